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
        return m
    }
}
