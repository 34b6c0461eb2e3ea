/* SQLite: an in-memory database with inserts, an index, joins,
   aggregates and sorting. */
#include "common.h"
#include "sqlite3.h"

static uint64_t h = FNV_INIT;

static int row(void *u, int n, char **v, char **col) {
  (void)u; (void)col;
  for (int i = 0; i < n; i++)
    if (v[i]) h = fnv(h, v[i], strlen(v[i]));
  return 0;
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = 0;
  if (sqlite3_exec(db, sql, row, 0, &err) != SQLITE_OK) {
    printf("sql error: %s\n", err);
    exit(1);
  }
}

int main(int argc, char **argv) {
  int rows = scale_arg(argc, argv, 100) * 1000;
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) { printf("open failed\n"); return 1; }
  exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL);"
           "CREATE TABLE u(k INTEGER PRIMARY KEY, label TEXT);");
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT INTO t(k, name, v) VALUES(?, ?, ?)", -1, &ins, 0);
  exec(db, "BEGIN");
  for (int i = 0; i < rows; i++) {
    char name[32];
    uint32_t r = rng();
    snprintf(name, sizeof name, "name-%u", r % 50000);
    sqlite3_bind_int(ins, 1, (int)(r % 1000));
    sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(ins, 3, (double)(rng() % 100000) / 7.0);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  for (int k = 0; k < 1000; k++) {
    char sql[96];
    snprintf(sql, sizeof sql, "INSERT INTO u VALUES(%d, 'label-%d')", k, k * 7919 % 1000);
    exec(db, sql);
  }
  exec(db, "COMMIT");
  exec(db, "CREATE INDEX tk ON t(k); CREATE INDEX tn ON t(name);");
  exec(db, "SELECT k, count(*), printf('%.3f', sum(v)), min(name) FROM t GROUP BY k ORDER BY 2 DESC, 1 LIMIT 20");
  exec(db, "SELECT u.label, count(*) FROM t JOIN u ON t.k = u.k WHERE t.name LIKE 'name-1%' GROUP BY u.label ORDER BY 2 DESC, 1 LIMIT 20");
  exec(db, "SELECT name, printf('%.2f', v) FROM t ORDER BY v DESC, id LIMIT 50");
  exec(db, "UPDATE t SET v = v * 1.5 WHERE k % 3 = 0; DELETE FROM t WHERE k % 10 = 7;");
  exec(db, "SELECT count(*), printf('%.3f', avg(v)), count(DISTINCT name) FROM t");
  for (int q = 0; q < 2000; q++) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*), max(v) FROM t WHERE name = 'name-%u'", rng() % 50000);
    exec(db, sql);
  }
  sqlite3_close(db);
  printf("rows %d\nchecksum %016llx\n", rows, (unsigned long long)h);
  return 0;
}
