# The app's layers (tickstockapp/), lowest first: a folder may use only the folders listed before
# it, never one after it, so the folders cannot include each other in a cycle. A folder nested
# in another (web/http in web) is a layer of its own; main.cpp, at the top of tickstockapp/, is
# above them all. tickstockapp/CMakeLists.txt makes one library per layer, linked to the layers
# below it, and check_layers.cmake fails the build on an #include that goes up. docs/architecture.md
# ("Layers") says what each holds.
set(TICKSTOCK_APP_LAYERS
  base      # logging, progress, redaction, JSON in and out, error reports, service probes
  backtest  # a backtest's report.html and equity.png (cairo)
  redis     # the app's reports on Redis and the subscriber
  db        # PostgreSQL: schema, bars, symbols, rollups
  engine    # the engine thread, the feed queue, the monitor
  feeds     # the feed interface and the Redis, replay and synthetic feeds
  polygon   # Polygon.io: REST, WebSocket feed, universe, gap backfill
  sinks     # bar and scan output
  jobs      # Redis job requests
  web/http  # the HTTP/WebSocket server: listener, sessions, request types
  web/store # accounts, sessions and market data (memory or PostgreSQL)
  web/api   # the REST API: routes, handlers, params, limits, metrics
  web/live  # the live side: the hub, the engine's event sink, alerts, /ws commands
  web       # the dashboard put together (request handling, options)
  settings  # flags and environment variables read into each part's options
  runtime   # serve's running parts put together
  cli       # commands and their settings
)
