// The account stores (memory and PostgreSQL) behave alike; passwords and tokens.
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"
#include "web/store/memory_account_store.h"
#include "web/store/passwords.h"
#include "web/store/pg_account_store.h"

using namespace tickstock::app;
using tickstock::test::run_app;
using tickstock::test::TestDatabase;

namespace {

// The same checks for either store.
void exercise_store(AccountStore& store) {
  auto alice = store.create_user("alice", "hash-a", Role::kUser, 1000);
  REQUIRE(alice);
  REQUIRE(*alice);
  CHECK((*alice)->username == "alice");
  CHECK((*alice)->password_hash.empty());
  auto again = store.create_user("ALICE", "hash-b", Role::kAdmin, 1000);
  REQUIRE(again);
  CHECK(!*again);  // taken, case-insensitively
  const std::int64_t id = (*alice)->id;
  auto found = store.find_user("Alice");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->password_hash == "hash-a");
  CHECK((*found)->role == Role::kUser);
  CHECK(*store.count_admins() == 0);
  REQUIRE(*store.update_user(id, Role::kAdmin, false));
  CHECK(!*store.update_user(id + 999, Role::kAdmin, std::nullopt));
  auto u = store.user_by_id(id);
  REQUIRE(*u);
  CHECK((*u)->role == Role::kAdmin);
  CHECK(!(*u)->enabled);
  CHECK(*store.count_admins() == 1);
  REQUIRE(store.set_password(id, "hash-c"));
  CHECK((**store.find_user("alice")).password_hash == "hash-c");

  REQUIRE(store.record_login(id, 3000));
  CHECK((**store.user_by_id(id)).last_login_at == 3000);
  CHECK(store.list_users()->size() == 1);

  // Sessions expire and can be ended one by one or all of a user's at once.
  SessionRecord s{"digest-1", id, "csrf-1", 3000, 4000, "127.0.0.1"};
  REQUIRE(store.create_session(s));
  auto got = store.find_session("digest-1", 3999);
  REQUIRE(*got);
  CHECK((*got)->csrf_token == "csrf-1");
  CHECK((*got)->user_id == id);
  CHECK(!*store.find_session("digest-1", 4000));
  CHECK(!*store.find_session("digest-2", 3000));
  REQUIRE(store.create_session({"digest-2", id, "csrf-2", 3000, 9000, ""}));
  REQUIRE(store.create_session({"digest-3", id, "csrf-3", 3000, 9000, ""}));
  REQUIRE(store.delete_session("digest-2"));
  CHECK(!*store.find_session("digest-2", 3000));
  CHECK(*store.delete_user_sessions(id) >= 1);  // the expired one may be gone already
  CHECK(!*store.find_session("digest-3", 3000));

  // Subscriptions: only the owner can change or delete one; disabled ones do not route.
  Subscription sub;
  sub.user_id = id;
  sub.pattern = "CDLDOJI";
  sub.symbols = {"SPY", "AAPL"};
  sub.timeframes = {"1m"};
  sub.min_confidence = 0.25;
  auto made = store.create_subscription(sub, 5000);
  REQUIRE(made);
  CHECK(made->id > 0);
  CHECK(made->symbols == std::vector<std::string>{"SPY", "AAPL"});
  CHECK(made->min_confidence == Approx(0.25));
  CHECK(store.active_subscriptions()->empty());  // alice is disabled
  REQUIRE(*store.update_user(id, std::nullopt, true));
  CHECK(store.active_subscriptions()->size() == 1);
  Subscription changed = *made;
  changed.symbols.clear();
  changed.enabled = false;
  CHECK(*store.update_subscription(changed));
  changed.user_id = id + 1;
  CHECK(!*store.update_subscription(changed));
  CHECK(store.list_subscriptions(id)->at(0).symbols.empty());
  CHECK(store.active_subscriptions()->empty());
  CHECK(!*store.delete_subscription(id + 1, made->id));
  CHECK(*store.delete_subscription(id, made->id));
  CHECK(store.list_subscriptions(id)->empty());

  // Sessions still valid: not expired, not deleted, the user enabled.
  REQUIRE(*store.update_user(id, std::nullopt, true));
  REQUIRE(store.create_session({"digest-2", id, "csrf-2", 3000, 9000, "127.0.0.1"}));
  REQUIRE(store.create_session({"digest-3", id, "csrf-3", 3000, 5000, "127.0.0.1"}));
  auto live = store.live_sessions({"digest-2", "digest-3", "digest-9"}, 6000);
  REQUIRE(live);
  CHECK(*live == std::vector<std::string>{"digest-2"});
  REQUIRE(*store.update_user(id, std::nullopt, false));
  CHECK(store.live_sessions({"digest-2"}, 6000)->empty());  // disabled
  REQUIRE(*store.update_user(id, std::nullopt, true));
  REQUIRE(store.delete_session("digest-2"));
  CHECK(store.live_sessions({"digest-2"}, 6000)->empty());

  // Alerts: pending until acknowledged; the history pages newest first, pending only on request.
  std::vector<StoredAlert> alerts;
  for (int i = 0; i < 5; ++i)
    alerts.push_back(
        {0, id,
         std::make_shared<const std::string>("{\"n\":" + std::to_string(i) + ",\"q\":\"a\\\"b\"}"),
         6000 + i, i < 2 ? 6000 : 0});
  auto written = store.add_alerts(alerts);
  REQUIRE(written);
  CHECK(written->stored == 5);
  CHECK(written->refused.empty());
  CHECK(*store.count_pending_alerts(id) == 3);
  auto pending = store.alert_history(id, 0, 2, true);
  REQUIRE(pending);
  REQUIRE(pending->items.size() == 2);
  std::string first = *pending->items.front().payload;  // jsonb adds spaces
  std::erase(first, ' ');
  CHECK(first == "{\"n\":4,\"q\":\"a\\\"b\"}");
  CHECK(pending->next != 0);
  auto more = store.alert_history(id, pending->next, 2, true);
  REQUIRE(more);
  REQUIRE(more->items.size() == 1);
  CHECK(more->next == 0);
  // Reading does not deliver; acknowledging does, once, and only the user's own.
  CHECK(*store.count_pending_alerts(id) == 3);
  const std::int64_t newest = pending->items.front().id;
  CHECK(*store.mark_alerts_delivered(id + 1, {newest}, 7000) == 0);
  CHECK(*store.mark_alerts_delivered(id, {newest, more->items.front().id, 999999}, 7000) == 2);
  CHECK(*store.mark_alerts_delivered(id, {newest}, 7001) == 0);
  CHECK(*store.count_pending_alerts(id) == 1);
  auto page = store.alert_history(id, 0, 3, false);
  REQUIRE(page);
  REQUIRE(page->items.size() == 3);
  CHECK(page->items.front().delivered_at == 7000);
  CHECK(page->next != 0);
  auto rest = store.alert_history(id, page->next, 3, false);
  REQUIRE(rest);
  CHECK(rest->items.size() == 2);
  CHECK(rest->next == 0);
  CHECK(rest->items.front().id < page->items.back().id);
  CHECK(*store.count_pending_alerts(id + 1) == 0);
}

// A store made with a cap of 3 alerts per user keeps each user's newest 3.
void exercise_alert_cap(AccountStore& store) {
  const std::int64_t a = (**store.create_user("capped", "h", Role::kUser, 1000)).id;
  const std::int64_t b = (**store.create_user("other", "h", Role::kUser, 1000)).id;
  auto alert = [](std::int64_t user, int n) {
    return StoredAlert{0, user,
                       std::make_shared<const std::string>("{\"n\":" + std::to_string(n) + "}"),
                       1000 + n, 0};
  };
  REQUIRE(store.add_alerts({alert(a, 1), alert(a, 2), alert(b, 1)}));
  REQUIRE(store.add_alerts({alert(a, 3), alert(a, 4), alert(a, 5)}));
  auto kept = store.alert_history(a, 0, 100, false);
  REQUIRE(kept);
  REQUIRE(kept->items.size() == 3);
  CHECK(kept->items.front().created_at == 1005);
  CHECK(kept->items.back().created_at == 1003);
  CHECK(store.alert_history(b, 0, 100, false)->items.size() == 1);
  CHECK(*store.count_pending_alerts(a) == 3);
}

}  // namespace

TEST_CASE("passwords are argon2id hashes that verify only the same password", "[web][auth]") {
  auto h = hash_password("correct horse", HashCost::kMinimum);
  REQUIRE(h);
  CHECK(h->rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(*h, "correct horse"));
  CHECK(!verify_password(*h, "correct horsf"));
  CHECK(!verify_password("garbage", "correct horse"));
  auto slow = hash_password("correct horse");
  REQUIRE(slow);
  CHECK(*slow != *h);  // salted
  CHECK(verify_password(*slow, "correct horse"));
}

TEST_CASE("tokens are random url-safe strings and digests are hex", "[web][auth]") {
  const std::string a = random_token(), b = random_token();
  CHECK(a.size() == 43);
  CHECK(a != b);
  CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(token_digest(a).size() == 64);
  CHECK(token_digest(a) == token_digest(a));
  CHECK(token_digest(a) != token_digest(b));
  CHECK(equal_in_constant_time("abc", "abc"));
  CHECK(!equal_in_constant_time("abc", "abd"));
  CHECK(!equal_in_constant_time("abc", "abcd"));
}

TEST_CASE("usernames and passwords are checked", "[web][auth]") {
  CHECK(check_username("alice.b-c_d@x"));
  CHECK(!check_username(""));
  CHECK(!check_username("a b"));
  CHECK(!check_username("x'; DROP TABLE users; --"));
  CHECK(!check_username(std::string(65, 'a')));
  CHECK(check_password("12345678"));
  CHECK(!check_password("1234567"));
  CHECK(!check_password(std::string(1025, 'p')));
}

TEST_CASE("the memory account store keeps users, sessions, subscriptions and alerts",
          "[web][accounts]") {
  MemoryAccountStore store;
  exercise_store(store);
}

TEST_CASE("the PostgreSQL account store keeps users, sessions, subscriptions and alerts",
          "[web][accounts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  PgPool pool(db.url());
  PgAccountStore store(pool);
  exercise_store(store);
  // 004 keeps 001's columns in step for older readers.
  CHECK(db.query("SELECT is_admin FROM users WHERE username = 'alice'") == "t");
}

TEST_CASE("the account stores keep at most the capped number of alerts per user",
          "[web][accounts][db]") {
  MemoryAccountStore memory(3);
  exercise_alert_cap(memory);
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  PgPool pool(db.url());
  PgAccountStore store(pool, 3);
  exercise_alert_cap(store);
  CHECK(db.query("SELECT count(*) FROM pending_alerts") == "4");
}

TEST_CASE("an alert payload PostgreSQL refuses is left out and the rest of its batch is stored",
          "[web][accounts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  PgPool pool(db.url());
  PgAccountStore store(pool);
  const std::int64_t id = (**store.create_user("ann", "h", Role::kUser, 1000)).id;
  // jsonb refuses \u0000 (a symbol with a NUL byte, escaped by the JSON writer) and a lone
  // surrogate; the others are fine.
  const std::vector<std::string> payloads = {
      "{\"n\":0}", "{\"n\":1,\"symbol\":\"SP\\u0000Y\"}", "{\"n\":2}",
      "{\"n\":3}", "{\"n\":4,\"s\":\"\\ud800\"}",         "{\"n\":5}",
      "{\"n\":6}"};
  std::vector<StoredAlert> alerts;
  for (const auto& p : payloads)
    alerts.push_back({0, id, std::make_shared<const std::string>(p), 2000, 0});
  auto w = store.add_alerts(alerts);
  REQUIRE(w);
  CHECK(w->stored == 5);
  REQUIRE(w->refused.size() == 2);
  CHECK(w->refused[0].index == 1);
  CHECK(w->refused[1].index == 4);
  CHECK(w->refused[0].reason.find("storing alerts: ") == 0);
  CHECK(w->refused[0].reason.find("\\u0000") != std::string::npos);
  CHECK(db.query("SELECT string_agg(payload->>'n', ',' ORDER BY id) FROM pending_alerts") ==
        "0,2,3,5,6");
  // A database that is not there fails the batch as a whole (nothing is called refused).
  PgPool down("postgresql://nobody@127.0.0.1:1/none");
  PgAccountStore gone(down);
  auto e = gone.add_alerts(alerts);
  CHECK(!e);
}

TEST_CASE("the PostgreSQL account store fails calls while the database is down",
          "[web][accounts]") {
  PgPool pool("postgresql://nobody:pw@127.0.0.1:1/none");
  PgAccountStore store(pool);
  auto u = store.find_user("alice");
  REQUIRE(!u);
  CHECK(u.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
  CHECK(u.error().message.find("pw@") == std::string::npos);
}

TEST_CASE("user add reads the password from stdin and stores an argon2id hash",
          "[app][web][accounts][db]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const auto added = run_app("user add root --role admin", "printf 's3cret-pass\\n' | " + db.env());
  INFO(added.err);
  CHECK(added.exit_code == 0);
  CHECK(added.out.rfind("added user root (admin, id ", 0) == 0);
  CHECK(added.err.find("s3cret") == std::string::npos);
  const std::string hash = db.query("SELECT password_hash FROM users WHERE username = 'root'");
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(hash, "s3cret-pass"));
  CHECK(db.query("SELECT role FROM users WHERE username = 'root'") == "admin");

  const auto taken = run_app("user add ROOT", "printf 'another-pass\\n' | " + db.env());
  CHECK(taken.exit_code == 3);
  CHECK(taken.err.find("taken") != std::string::npos);
  const auto short_pw = run_app("user add bob", "printf 'short\\n' | " + db.env());
  CHECK(short_pw.exit_code == 2);
  CHECK(short_pw.err.find("at least 8") != std::string::npos);
  const auto bad_role =
      run_app("user add bob --role boss", "printf 'long-enough\\n' | " + db.env());
  CHECK(bad_role.exit_code == 2);
  const auto bad_name = run_app("user add 'b o b'", "printf 'long-enough\\n' | " + db.env());
  CHECK(bad_name.exit_code == 2);
  const auto no_admin =
      run_app("user add boss --role admin --if-no-admin", "printf 'long-enough\\n' | " + db.env());
  CHECK(no_admin.exit_code == 0);
  CHECK(no_admin.out == "an admin exists already: no user added\n");
  const auto list = run_app("user list", db.env());
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("root\tadmin\tyes") != std::string::npos);
  CHECK(list.out.find("boss") == std::string::npos);
  const auto no_db = run_app("user list", "env -u DATABASE_URL");
  CHECK(no_db.exit_code == 2);
}
