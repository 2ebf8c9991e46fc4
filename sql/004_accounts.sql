-- Accounts for the dashboard: users log in by username, have a role (user or admin), can be
-- disabled, are locked out for a while after repeated failed logins; each session carries
-- the CSRF token that state-changing requests must echo. 001's email and is_admin stay for
-- compatibility: role is what the server reads (an is_admin user of 001 becomes an admin).

ALTER TABLE users ADD COLUMN username text;
UPDATE users SET username = email WHERE username IS NULL;
ALTER TABLE users ALTER COLUMN username SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_username_check
  CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$');
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'user'
  CHECK (role IN ('user', 'admin'));
UPDATE users SET role = 'admin' WHERE is_admin;
ALTER TABLE users ADD COLUMN enabled boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;  -- since the last success
ALTER TABLE users ADD COLUMN locked_until timestamptz;                  -- no login before this
ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();

-- The CSRF token is not a credential on its own (it is useless without the session cookie),
-- so it is kept as it is and handed to the client by /api/auth/login and /api/auth/me.
ALTER TABLE sessions ADD COLUMN csrf_token text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_ip text;
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every alert routed to a user is kept here; delivered_at is NULL while it waits for the
-- user's next login. The API's alert history reads this table.
CREATE INDEX pending_alerts_user_created ON pending_alerts (user_id, id DESC);

-- The dashboard lists detections newest first, of all symbols or of one.
CREATE INDEX pattern_detections_recent ON pattern_detections (bar_start DESC, id DESC);
CREATE INDEX pattern_detections_symbol_recent
  ON pattern_detections (symbol, bar_start DESC, id DESC);
