import GRDB

/// The versioned schema. Migrations are append-only: never edit one that has shipped.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-bars") { db in
            // WITHOUT ROWID: the primary key is the only access path and bars are never updated in bulk.
            try db.execute(sql: """
                CREATE TABLE bars (
                    symbol    TEXT    NOT NULL,
                    interval  TEXT    NOT NULL,
                    open_time INTEGER NOT NULL,
                    open      REAL    NOT NULL CHECK (open > 0),
                    high      REAL    NOT NULL CHECK (high > 0),
                    low       REAL    NOT NULL CHECK (low > 0),
                    close     REAL    NOT NULL CHECK (close > 0),
                    volume    REAL    NOT NULL CHECK (volume >= 0),
                    PRIMARY KEY (symbol, interval, open_time)
                ) WITHOUT ROWID
                """)
        }
        return m
    }
}
