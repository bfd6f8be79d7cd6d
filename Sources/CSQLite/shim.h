// The system SQLite (the same library GRDB links), for bulk statements on hot paths.
#include <sqlite3.h>
