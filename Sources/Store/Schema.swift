import GRDB

/// The versioned schema. Migrations are append-only: never edit one that has shipped.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-bars") { db in
            // One row per (symbol, interval); bars refer to it by a small integer, which keeps the
            // bars' primary-key B-tree compact.
            try db.execute(sql: """
                CREATE TABLE series (
                    id       INTEGER PRIMARY KEY,
                    symbol   TEXT NOT NULL,
                    interval TEXT NOT NULL,
                    UNIQUE (symbol, interval)
                );
                CREATE TABLE bars (
                    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
                    open_time INTEGER NOT NULL,
                    open      REAL    NOT NULL CHECK (open > 0),
                    high      REAL    NOT NULL CHECK (high > 0),
                    low       REAL    NOT NULL CHECK (low > 0),
                    close     REAL    NOT NULL CHECK (close > 0),
                    volume    REAL    NOT NULL CHECK (volume >= 0),
                    PRIMARY KEY (series_id, open_time)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2-models") { db in
            // The model registry: every trained version, and which one of each name is active.
            try db.execute(sql: """
                CREATE TABLE models (
                    name         TEXT    NOT NULL,
                    version      INTEGER NOT NULL CHECK (version > 0),
                    kind         TEXT    NOT NULL,
                    path         TEXT    NOT NULL,
                    feature_set  TEXT    NOT NULL,
                    feature_hash TEXT    NOT NULL,
                    symbol       TEXT    NOT NULL,
                    interval     TEXT    NOT NULL,
                    created_ms   INTEGER NOT NULL,
                    active       INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
                    summary      TEXT    NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE UNIQUE INDEX models_one_active ON models (name) WHERE active = 1;
                -- The highest version ever issued per name: deleted versions are never reissued.
                CREATE TABLE model_versions (
                    name         TEXT    PRIMARY KEY,
                    last_version INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v3-strategies") { db in
            // Strategies (the YAML definition is the source of truth; the other columns are the
            // record that ranks and graduates them), their status history, discovery runs with
            // every candidate evaluated, and stored backtests.
            try db.execute(sql: """
                CREATE TABLE strategies (
                    name            TEXT    PRIMARY KEY,
                    status          TEXT    NOT NULL CHECK (status IN ('candidate', 'paper', 'live', 'retired')),
                    symbol          TEXT    NOT NULL,
                    interval        TEXT    NOT NULL,
                    feature_set     TEXT    NOT NULL,
                    feature_hash    TEXT    NOT NULL,
                    definition      TEXT    NOT NULL,
                    data_from_ms    INTEGER,
                    data_to_ms      INTEGER,
                    run_id          TEXT,
                    rank            INTEGER,
                    trials          INTEGER,
                    dsr             REAL,
                    psr             REAL,
                    sharpe          REAL,
                    trades          INTEGER,
                    model_name      TEXT,
                    model_version   INTEGER,
                    created_ms      INTEGER NOT NULL,
                    status_ms       INTEGER NOT NULL,
                    paper_bars      INTEGER NOT NULL DEFAULT 0,
                    paper_max_drawdown REAL
                );
                CREATE TABLE strategy_events (
                    id          INTEGER PRIMARY KEY,
                    name        TEXT    NOT NULL,
                    time_ms     INTEGER NOT NULL,
                    from_status TEXT,
                    to_status   TEXT    NOT NULL,
                    reason      TEXT    NOT NULL
                );
                CREATE INDEX strategy_events_name ON strategy_events (name, id);
                CREATE TABLE discovery_runs (
                    run_id      TEXT    PRIMARY KEY,
                    space_hash  TEXT    NOT NULL,
                    seed        INTEGER NOT NULL,
                    budget      INTEGER NOT NULL,
                    data_key    TEXT    NOT NULL,
                    status      TEXT    NOT NULL CHECK (status IN ('running', 'complete')),
                    trials      INTEGER,
                    created_ms  INTEGER NOT NULL,
                    finished_ms INTEGER,
                    space       TEXT    NOT NULL
                );
                CREATE TABLE discovery_candidates (
                    run_id       TEXT    NOT NULL REFERENCES discovery_runs(run_id) ON DELETE CASCADE,
                    rung         INTEGER NOT NULL,
                    key_index    INTEGER NOT NULL,
                    variant      INTEGER NOT NULL,
                    definition   TEXT    NOT NULL,
                    error        TEXT,
                    observations INTEGER NOT NULL DEFAULT 0,
                    sharpe       REAL,
                    skewness     REAL,
                    kurtosis     REAL,
                    trades       INTEGER NOT NULL DEFAULT 0,
                    is_sharpe    REAL,
                    metrics      TEXT,
                    returns      BLOB,
                    dsr          REAL,
                    psr          REAL,
                    rank         INTEGER,
                    note         TEXT,
                    PRIMARY KEY (run_id, rung, key_index, variant)
                ) WITHOUT ROWID;
                CREATE TABLE backtests (
                    id         INTEGER PRIMARY KEY,
                    strategy   TEXT    NOT NULL REFERENCES strategies(name) ON DELETE CASCADE,
                    created_ms INTEGER NOT NULL,
                    first_ms   INTEGER NOT NULL,
                    last_ms    INTEGER NOT NULL,
                    bars       INTEGER NOT NULL,
                    metrics    TEXT    NOT NULL,
                    psr        REAL,
                    curve      BLOB    NOT NULL
                );
                CREATE INDEX backtests_strategy ON backtests (strategy, id);
                CREATE TABLE backtest_trades (
                    backtest_id INTEGER NOT NULL REFERENCES backtests(id) ON DELETE CASCADE,
                    seq         INTEGER NOT NULL,
                    side        INTEGER NOT NULL,
                    entry_ms    INTEGER NOT NULL,
                    entry_price REAL    NOT NULL,
                    exit_ms     INTEGER,
                    exit_price  REAL,
                    result      REAL    NOT NULL,
                    bars        INTEGER NOT NULL,
                    PRIMARY KEY (backtest_id, seq)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v4-ledger") { db in
            // What the engine does, bar by bar: orders (unique client order id, so a retried
            // decision can never insert a second order), fills, positions per account (the whole
            // account is '', each strategy's sub-ledger its name), equity, signals, risk events,
            // versioned settings, the audit trail and the cursor a restart resumes from. Exact
            // quantities, prices and money are decimal text.
            try db.execute(sql: """
                CREATE TABLE orders (
                    client_order_id TEXT    PRIMARY KEY,
                    symbol          TEXT    NOT NULL,
                    side            TEXT    NOT NULL CHECK (side IN ('Buy', 'Sell')),
                    quantity        TEXT    NOT NULL,
                    decided_ms      INTEGER NOT NULL,
                    reduce_only     INTEGER NOT NULL CHECK (reduce_only IN (0, 1)),
                    status          TEXT    NOT NULL CHECK (status IN ('open', 'filled', 'cancelled', 'rejected')),
                    contributions   TEXT    NOT NULL
                );
                CREATE INDEX orders_decided ON orders (decided_ms);
                CREATE TABLE fills (
                    client_order_id TEXT    NOT NULL REFERENCES orders(client_order_id),
                    seq             INTEGER NOT NULL,
                    symbol          TEXT    NOT NULL,
                    side            TEXT    NOT NULL CHECK (side IN ('Buy', 'Sell')),
                    quantity        TEXT    NOT NULL,
                    price           TEXT    NOT NULL,
                    fee             TEXT    NOT NULL,
                    time_ms         INTEGER NOT NULL,
                    PRIMARY KEY (client_order_id, seq)
                ) WITHOUT ROWID;
                CREATE INDEX fills_time ON fills (time_ms);
                CREATE TABLE positions (
                    account       TEXT NOT NULL,
                    symbol        TEXT NOT NULL,
                    quantity      TEXT NOT NULL,
                    average_price TEXT NOT NULL,
                    realized_pnl  TEXT NOT NULL,
                    cash          TEXT NOT NULL,
                    fees          TEXT NOT NULL,
                    PRIMARY KEY (account, symbol)
                ) WITHOUT ROWID;
                CREATE TABLE equity (
                    time_ms  INTEGER PRIMARY KEY,
                    equity   REAL    NOT NULL,
                    cash     TEXT    NOT NULL,
                    trading  TEXT    NOT NULL
                );
                CREATE TABLE signals (
                    strategy    TEXT    NOT NULL,
                    time_ms     INTEGER NOT NULL,
                    probability REAL,
                    threshold   REAL    NOT NULL,
                    target      REAL    NOT NULL,
                    PRIMARY KEY (strategy, time_ms)
                ) WITHOUT ROWID;
                CREATE TABLE risk_events (
                    id         INTEGER PRIMARY KEY,
                    time_ms    INTEGER NOT NULL,
                    kind       TEXT    NOT NULL CHECK (kind IN ('state_change', 'veto', 'resize')),
                    rule       TEXT    NOT NULL,
                    from_state TEXT,
                    to_state   TEXT,
                    figures    TEXT    NOT NULL,
                    message    TEXT    NOT NULL
                );
                CREATE INDEX risk_events_time ON risk_events (time_ms);
                CREATE TABLE settings (
                    version    INTEGER PRIMARY KEY,
                    body       TEXT    NOT NULL,
                    created_ms INTEGER NOT NULL,
                    actor      TEXT    NOT NULL,
                    reason     TEXT    NOT NULL
                );
                CREATE TABLE audit (
                    id      INTEGER PRIMARY KEY,
                    time_ms INTEGER NOT NULL,
                    actor   TEXT    NOT NULL,
                    action  TEXT    NOT NULL,
                    detail  TEXT    NOT NULL
                );
                CREATE TABLE engine_cursor (
                    engine          TEXT    PRIMARY KEY,
                    last_bar_ms     INTEGER NOT NULL,
                    settings_version INTEGER NOT NULL,
                    state           TEXT    NOT NULL,
                    updated_ms      INTEGER NOT NULL
                );
                """)
        }
        // Decision lineage: what produced each signal and order (see `StrategyLineageRow`).
        m.registerMigration("v5-lineage") { db in
            try db.execute(sql: """
                ALTER TABLE signals ADD COLUMN bars_hash TEXT;
                ALTER TABLE signals ADD COLUMN settings_version INTEGER;
                ALTER TABLE orders ADD COLUMN bars_hash TEXT;
                ALTER TABLE orders ADD COLUMN settings_version INTEGER;
                CREATE TABLE strategy_lineage (
                    engine         TEXT NOT NULL,
                    strategy       TEXT NOT NULL,
                    feature_set    TEXT NOT NULL,
                    feature_hash   TEXT NOT NULL,
                    model          TEXT,
                    weights_sha256 TEXT,
                    spec_hash      TEXT NOT NULL,
                    PRIMARY KEY (engine, strategy)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v6-service-events") { db in
            // What happened to the service rather than to a bar: its feed going stale and
            // recovering, reconnects. Wall time, as these are about the clock, not the bars.
            try db.execute(sql: """
                CREATE TABLE service_events (
                    id      INTEGER PRIMARY KEY,
                    engine  TEXT NOT NULL,
                    wall_ms INTEGER NOT NULL,
                    bar_ms  INTEGER,
                    kind    TEXT NOT NULL,
                    detail  TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v7-per-bar-layout") { db in
            // The service's per-bar commit touches as few pages as it can: signals keyed time
            // first (one bar's rows share a leaf instead of one leaf per strategy), and the paper
            // records in a small table of their own (instead of rewriting the strategies' wide rows);
            // and the bar's netted intents per symbol, with what the risk gate made of them.
            try db.execute(sql: """
                CREATE TABLE signals_by_time (
                    time_ms          INTEGER NOT NULL,
                    strategy         TEXT    NOT NULL,
                    probability      REAL,
                    threshold        REAL    NOT NULL,
                    target           REAL    NOT NULL,
                    bars_hash        TEXT,
                    settings_version INTEGER,
                    PRIMARY KEY (time_ms, strategy)
                ) WITHOUT ROWID;
                INSERT INTO signals_by_time SELECT time_ms, strategy, probability, threshold, target, bars_hash, settings_version FROM signals;
                DROP TABLE signals;
                ALTER TABLE signals_by_time RENAME TO signals;
                CREATE TABLE paper_records (
                    name         TEXT    PRIMARY KEY REFERENCES strategies(name) ON DELETE CASCADE,
                    bars         INTEGER NOT NULL,
                    pnl          REAL,
                    max_drawdown REAL
                ) WITHOUT ROWID;
                INSERT INTO paper_records SELECT name, paper_bars, NULL, paper_max_drawdown FROM strategies WHERE paper_bars > 0 OR paper_max_drawdown IS NOT NULL;
                CREATE TABLE intents (
                    time_ms            INTEGER NOT NULL,
                    symbol             TEXT    NOT NULL,
                    requested_quantity TEXT    NOT NULL,
                    approved_quantity  TEXT    NOT NULL,
                    decision           TEXT    NOT NULL,
                    PRIMARY KEY (time_ms, symbol)
                ) WITHOUT ROWID;
                ALTER TABLE strategies DROP COLUMN paper_bars;
                ALTER TABLE strategies DROP COLUMN paper_max_drawdown;
                """)
        }
        m.registerMigration("v8-control") { db in
            // The control center: each setting change a version of its own (applied_ms: the first
            // bar it was in force, set by the service in that bar's transaction), operator
            // commands likewise, named tokens stored only as SHA-256 hashes, and the audit trail.
            // The v4 settings and audit tables were never written; they are replaced.
            try db.execute(sql: """
                DROP TABLE settings;
                DROP TABLE audit;
                CREATE TABLE setting_changes (
                    version    INTEGER PRIMARY KEY CHECK (version >= 2),
                    key        TEXT    NOT NULL,
                    strategy   TEXT,
                    value      TEXT    NOT NULL,
                    created_ms INTEGER NOT NULL,
                    actor      TEXT    NOT NULL,
                    reason     TEXT    NOT NULL,
                    applied_ms INTEGER
                );
                CREATE TABLE operator_commands (
                    id         INTEGER PRIMARY KEY,
                    command    TEXT    NOT NULL CHECK (command IN ('pause', 'resume', 'halt', 'flatten')),
                    created_ms INTEGER NOT NULL,
                    actor      TEXT    NOT NULL,
                    reason     TEXT    NOT NULL,
                    applied_ms INTEGER
                );
                CREATE TABLE control_tokens (
                    name         TEXT    PRIMARY KEY,
                    role         TEXT    NOT NULL CHECK (role IN ('read', 'control', 'admin')),
                    sha256       TEXT    NOT NULL UNIQUE,
                    created_ms   INTEGER NOT NULL,
                    expires_ms   INTEGER,
                    last_used_ms INTEGER,
                    revoked_ms   INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE audit (
                    id        INTEGER PRIMARY KEY,
                    time_ms   INTEGER NOT NULL,
                    token     TEXT,
                    role      TEXT,
                    source    TEXT    NOT NULL,
                    action    TEXT    NOT NULL,
                    key       TEXT,
                    strategy  TEXT,
                    old_value TEXT,
                    new_value TEXT,
                    reason    TEXT    NOT NULL,
                    outcome   TEXT    NOT NULL,
                    status    INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v9-jobs") { db in
            // Scheduled jobs: each run (status 'running' until it ends; a run whose process died
            // is closed as failed by the next one), each strategy's outcome with the figures
            // behind it, the models the service swapped in (or refused) at a bar boundary, and the
            // challengers it scores in shadow (their signals beside the champion's, no orders).
            try db.execute(sql: """
                CREATE TABLE job_runs (
                    id           INTEGER PRIMARY KEY,
                    job          TEXT    NOT NULL,
                    trigger      TEXT    NOT NULL CHECK (trigger IN ('schedule', 'catch_up', 'manual')),
                    scheduled_ms INTEGER,
                    started_ms   INTEGER NOT NULL,
                    ended_ms     INTEGER,
                    status       TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'timed_out', 'skipped')),
                    pid          INTEGER,
                    detail       TEXT    NOT NULL
                );
                CREATE INDEX job_runs_job ON job_runs (job, id);
                CREATE TABLE job_outcomes (
                    run_id     INTEGER NOT NULL REFERENCES job_runs(id) ON DELETE CASCADE,
                    strategy   TEXT    NOT NULL,
                    outcome    TEXT    NOT NULL CHECK (outcome IN ('promoted', 'kept_champion', 'shadowing', 'failed')),
                    champion   TEXT,
                    challenger TEXT,
                    figures    TEXT    NOT NULL,
                    reason     TEXT    NOT NULL,
                    PRIMARY KEY (run_id, strategy)
                ) WITHOUT ROWID;
                CREATE TABLE model_swaps (
                    id             INTEGER PRIMARY KEY,
                    engine         TEXT    NOT NULL,
                    strategy       TEXT    NOT NULL,
                    from_model     TEXT,
                    to_model       TEXT    NOT NULL,
                    weights_sha256 TEXT,
                    bar_ms         INTEGER NOT NULL,
                    wall_ms        INTEGER NOT NULL,
                    status         TEXT    NOT NULL CHECK (status IN ('swapped', 'refused')),
                    reason         TEXT    NOT NULL
                );
                CREATE INDEX model_swaps_engine ON model_swaps (engine, strategy, bar_ms);
                CREATE TABLE model_shadows (
                    id                 INTEGER PRIMARY KEY,
                    run_id             INTEGER REFERENCES job_runs(id) ON DELETE SET NULL,
                    strategy           TEXT    NOT NULL,
                    model              TEXT    NOT NULL,
                    champion_version   INTEGER NOT NULL,
                    challenger_version INTEGER NOT NULL,
                    bars               INTEGER NOT NULL CHECK (bars > 0),
                    metric             TEXT    NOT NULL,
                    margin             REAL    NOT NULL,
                    status             TEXT    NOT NULL CHECK (status IN ('waiting', 'promoted', 'refused')),
                    created_ms         INTEGER NOT NULL,
                    decided_bar_ms     INTEGER,
                    figures            TEXT,
                    reason             TEXT    NOT NULL
                );
                CREATE TABLE shadow_signals (
                    shadow_id    INTEGER NOT NULL REFERENCES model_shadows(id) ON DELETE CASCADE,
                    time_ms      INTEGER NOT NULL,
                    champion_p   REAL,
                    challenger_p REAL,
                    PRIMARY KEY (shadow_id, time_ms)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v10-discovery-shards") { db in
            // Discovery sharded over processes: each rung and its model keys (written once, by the worker
            // that found the rung before it complete: the halving), and every claim a worker took on
            // a key with its lease. At most one open claim per key, enforced here rather than trusted
            // to the workers; a dead worker's claim is closed as expired when another takes the key.
            try db.execute(sql: """
                CREATE TABLE discovery_rungs (
                    run_id       TEXT    NOT NULL REFERENCES discovery_runs(run_id) ON DELETE CASCADE,
                    rung         INTEGER NOT NULL,
                    opened_ms    INTEGER NOT NULL,
                    opened_by    TEXT    NOT NULL,
                    completed_ms INTEGER,
                    completed_by TEXT,
                    PRIMARY KEY (run_id, rung)
                ) WITHOUT ROWID;
                -- One row per key: what PostgreSQL's workers lock (FOR UPDATE SKIP LOCKED) to claim one.
                CREATE TABLE discovery_rung_keys (
                    run_id    TEXT    NOT NULL,
                    rung      INTEGER NOT NULL,
                    key_index INTEGER NOT NULL,
                    PRIMARY KEY (run_id, rung, key_index),
                    FOREIGN KEY (run_id, rung) REFERENCES discovery_rungs(run_id, rung) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE discovery_claims (
                    id             INTEGER PRIMARY KEY,
                    run_id         TEXT    NOT NULL REFERENCES discovery_runs(run_id) ON DELETE CASCADE,
                    rung           INTEGER NOT NULL,
                    key_index      INTEGER NOT NULL,
                    worker         TEXT    NOT NULL,
                    session        TEXT    NOT NULL,
                    claimed_ms     INTEGER NOT NULL,
                    lease_until_ms INTEGER NOT NULL,
                    finished_ms    INTEGER,
                    outcome        TEXT    CHECK (outcome IN ('done', 'expired', 'released'))
                );
                CREATE INDEX discovery_claims_key ON discovery_claims (run_id, rung, key_index);
                CREATE UNIQUE INDEX discovery_claims_one_open ON discovery_claims (run_id, rung, key_index) WHERE outcome IS NULL;
                """)
        }
        return m
    }
}
