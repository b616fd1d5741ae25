/* audit.c -- the audit log: append, verify, tampering found, permissions,
 * redaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "audit.h"
#include "tap.h"

static char dir[] = "/tmp/px-audit-XXXXXX";
static char db[256], key[256];

/* A fresh log with n entries; the db and key of an earlier one removed. */
static struct audit *
fresh(int n)
{
	struct px_err e = { 0 };
	struct audit *a;
	char path[300];

	unlink(db);
	unlink(key);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s.seal", db);
	unlink(path);
	if ((a = audit_open_at(db, key, &e)) == NULL) {
		printf("# audit_open_at: %s\n", e.msg);
		return NULL;
	}
	for (int i = 1; i <= n; i++) {
		char target[32];
		struct audit_entry ent = {
			.profile = "sim", .user = "alice@ws", .action = "stop",
			.target = target, .params = "POST /nodes/pve1/qemu/100",
			.decision = "allowed", .result = "OK",
		};

		snprintf(target, sizeof(target), "vm/%d", 100 + i);
		if (audit_append(a, &ent, &e) != 0)
			printf("# append: %s\n", e.msg);
	}
	return a;
}

/* Run sql on the db behind px's back, the way an intruder would. */
static void
tamper(const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;

	sqlite3_open(db, &h);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		printf("# tamper: %s\n", msg);
	sqlite3_free(msg);
	sqlite3_close(h);
}

static int
verify(struct audit *a, long long *rows, long long *bad, char *why)
{
	struct px_err e = { 0 };
	int rc = audit_verify(a, rows, bad, why, 256, &e);

	if (rc < 0)
		printf("# verify: %s\n", e.msg);
	return rc;
}

static int
count_cb(const struct audit_entry *ent, void *arg)
{
	long long *last = arg;

	last[0]++;
	last[1] = ent->id;
	return 0;
}

static void
test_append_and_verify(void)
{
	struct audit *a = fresh(0);
	struct px_err e = { 0 };
	struct audit_entry ent = { .profile = "sim", .action = "freeze",
		.target = "profile/sim", .decision = "allowed" };
	long long rows, bad, seen[2] = { 0, 0 };
	char why[256] = "";
	struct stat st;

	ok(a != NULL, "open creates the log");
	is_int(verify(a, &rows, &bad, why), 0, "an empty log verifies");
	is_int(rows, 0, "with 0 entries");
	is_int(audit_append(a, &ent, &e), 0, "append");
	is_int(ent.id, 1, "the first entry gets id 1");
	ok(ent.time > 0, "time 0 means now");
	ent.time = 0;
	audit_append(a, &ent, &e);
	is_int(ent.id, 2, "the next gets id 2");
	is_int(verify(a, &rows, &bad, why), 0, "two entries verify");
	is_int(rows, 2, "verify counts them");
	audit_each(a, 0, 0, count_cb, seen, &e);
	is_int(seen[0], 2, "audit_each visits every entry");
	seen[0] = 0;
	audit_each(a, 0, 1, count_cb, seen, &e);
	is_int(seen[0], 1, "with a limit, only that many");
	is_int(seen[1], 2, "the newest ones");
	stat(db, &st);
	is_int(st.st_mode & 0777, 0600, "the db is created 0600");
	stat(key, &st);
	is_int(st.st_mode & 0777, 0600, "the key is created 0600");
	is_int(st.st_size, 32, "the key is 32 bytes");
	audit_close(a);

	a = audit_open_at(db, key, &e);
	is_int(verify(a, &rows, &bad, why), 0, "reopened, it still verifies");
	audit_close(a);
}

static void
test_edited_row(void)
{
	struct audit *a = fresh(4);
	long long rows, bad;
	char why[256] = "";

	tamper("UPDATE audit SET result = 'x' WHERE id = 2");
	is_int(verify(a, &rows, &bad, why), 1, "an edited row breaks the chain");
	is_int(bad, 2, "verify names the edited row");
	ok(strstr(why, "altered") != NULL, "and says it was altered: %s", why);
	audit_close(a);

	a = fresh(3);
	tamper("UPDATE audit SET params = NULL WHERE id = 3");
	is_int(verify(a, &rows, &bad, why), 1, "a value set to NULL is found");
	is_int(bad, 3, "in the right row");
	audit_close(a);

	a = fresh(3);
	tamper("UPDATE audit SET time = time + 1 WHERE id = 1");
	is_int(verify(a, &rows, &bad, why), 1, "a changed time is found");
	is_int(bad, 1, "in row 1");
	audit_close(a);
}

static void
test_deleted_middle_row(void)
{
	struct audit *a = fresh(5);
	long long rows, bad;
	char why[256] = "";

	tamper("DELETE FROM audit WHERE id = 3");
	is_int(verify(a, &rows, &bad, why), 1, "a deleted middle row is found");
	is_int(bad, 3, "verify names the missing row");
	ok(strstr(why, "missing") != NULL, "and says it is missing: %s", why);
	audit_close(a);

	a = fresh(3);
	tamper("DELETE FROM audit WHERE id = 1");
	is_int(verify(a, &rows, &bad, why), 1, "a deleted first row is found");
	is_int(bad, 1, "as row 1");
	audit_close(a);

	/* Renumbering after a deletion does not help: the MACs cover ids. */
	a = fresh(4);
	tamper("DELETE FROM audit WHERE id = 2; "
	    "UPDATE audit SET id = id - 1 WHERE id > 2");
	is_int(verify(a, &rows, &bad, why), 1, "a renumbered chain is found");
	is_int(bad, 2, "at the first renumbered row");
	audit_close(a);
}

static void
test_truncated_tail(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(5);
	struct audit_entry ent = { .action = "stop", .decision = "allowed" };
	long long rows, bad;
	char why[256] = "";

	tamper("DELETE FROM audit WHERE id >= 4");
	is_int(verify(a, &rows, &bad, why), 1, "a truncated tail is found");
	is_int(bad, 0, "as a head problem");
	ok(strstr(why, "truncated") != NULL, "and says truncated: %s", why);
	audit_close(a);

	a = fresh(3);
	tamper("DELETE FROM audit WHERE id = 3");
	is_int(verify(a, &rows, &bad, why), 1, "one row cut from the end is found");
	audit_close(a);

	a = fresh(3);
	tamper("DELETE FROM audit");
	is_int(verify(a, &rows, &bad, why), 1, "every row deleted is found");
	audit_close(a);

	/* Appending after a truncation does not hide it: the new row links
	 * to the head, not to the last surviving row. */
	a = fresh(4);
	tamper("DELETE FROM audit WHERE id = 4");
	audit_append(a, &ent, &e);
	is_int(ent.id, 5, "an append after truncation continues the head's ids");
	is_int(verify(a, &rows, &bad, why), 1, "and the gap is still found");
	is_int(bad, 4, "at the missing row");
	audit_close(a);
}

static void
test_head_tampering(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(3);
	struct audit_entry ent = { .action = "stop", .decision = "allowed" };
	long long rows, bad;
	char why[256] = "";

	tamper("DELETE FROM head");
	is_int(verify(a, &rows, &bad, why), 1, "a deleted head is found");
	is_int(bad, 0, "as a head problem");
	ok(strstr(why, "head") != NULL && strstr(why, "missing") != NULL,
	    "and says the head is missing: %s", why);
	is_int(audit_append(a, &ent, &e), -1, "append refuses without a head");
	ok(strstr(e.msg, "head record is missing") != NULL, "saying why: %s",
	    e.msg);
	audit_close(a);

	a = fresh(3);
	tamper("DELETE FROM audit WHERE id = 3; "
	    "UPDATE head SET last_id = 2, count = 2");
	is_int(verify(a, &rows, &bad, why), 1, "a head edited to hide "
	    "truncation is found");
	ok(strstr(why, "MAC") != NULL, "by its MAC: %s", why);
	is_int(audit_append(a, &ent, &e), -1, "append refuses a forged head");
	audit_close(a);
}

static void
test_odd_values(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(0);
	struct audit_entry ent = { .profile = "sim", .action = "set",
		.params = "PUT /x description=caf\xc3\xa9 \xff\xfe",
		.decision = "allowed", .ref = 7 };
	long long rows, bad;
	char why[256] = "";

	is_int(audit_append(a, &ent, &e), 0, "append with invalid UTF-8");
	is_int(verify(a, &rows, &bad, why), 0, "verifies");
	audit_close(a);

	a = fresh(2);
	tamper("UPDATE audit SET result = CAST(X'4F4B00' AS TEXT) WHERE id = 2");
	is_int(verify(a, &rows, &bad, why), 1, "an embedded NUL is refused");
	audit_close(a);

	a = fresh(2);
	tamper("UPDATE audit SET time = 'soon' WHERE id = 1");
	is_int(verify(a, &rows, &bad, why), 1, "a text time is refused");
	is_int(bad, 1, "in row 1");
	audit_close(a);
}

/* Verify under every batch size from 1 to 5 (and the default): the
 * result, the row and the reason must be the same. */
static int
verify_batches(struct audit *a, long long *rows, long long *bad, char *why,
    const char *what)
{
	long long r0 = 0, b0 = 0;
	char w0[256] = "";
	int rc0 = -2, same = 1;

	for (int n = 0; n <= 5; n++) {
		int rc;

		audit_verify_batch(n);
		rc = verify(a, rows, bad, why);
		if (n == 0) {
			rc0 = rc;
			r0 = *rows;
			b0 = *bad;
			snprintf(w0, sizeof(w0), "%s", why);
		} else if (rc != rc0 || *rows != r0 || *bad != b0 ||
		    strcmp(why, w0) != 0) {
			printf("#   %s, batches of %d: %d %lld %lld '%s', not "
			    "%d %lld %lld '%s'\n", what, n, rc, *rows, *bad,
			    why, rc0, r0, b0, w0);
			same = 0;
		}
	}
	audit_verify_batch(0);
	return same ? rc0 : -3;
}

/*
 * audit_verify reads on one thread and checks on another, in batches:
 * a log of 23 rows, verified in batches of 1 to 5 rows, with each row in
 * turn altered, deleted, or made malformed, and with two faults at once
 * (the first in id order is named, whichever thread finds it).
 */
static void
test_verify_batches(void)
{
	struct audit *a;
	long long rows, bad;
	char why[256] = "", sql[200];
	int good = 0, n = 23;

	a = fresh(n);
	is_int(verify_batches(a, &rows, &bad, why, "intact"), 0,
	    "23 rows verify in batches of 1 to 5 and 4,096");
	is_int(rows, n, "all of them counted");
	audit_close(a);
	for (int r = 1; r <= n; r++) {
		int ok1, ok2, ok3;

		a = fresh(n);
		snprintf(sql, sizeof(sql), "UPDATE audit SET target = 'vm/1' "
		    "WHERE id = %d", r);
		tamper(sql);
		ok1 = verify_batches(a, &rows, &bad, why, "altered") == 1 &&
		    bad == r && strstr(why, "altered") != NULL;
		audit_close(a);
		a = fresh(n);
		snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %d",
		    r);
		tamper(sql);
		ok2 = verify_batches(a, &rows, &bad, why, "deleted") == 1 &&
		    (r == n ? bad == 0 && strstr(why, "truncated") != NULL :
		    bad == r && strstr(why, "missing") != NULL);
		audit_close(a);
		a = fresh(n);
		snprintf(sql, sizeof(sql), "UPDATE audit SET time = 'x' WHERE "
		    "id = %d", r);
		tamper(sql);
		ok3 = verify_batches(a, &rows, &bad, why, "malformed") == 1 &&
		    bad == r && strstr(why, "number") != NULL;
		audit_close(a);
		if (ok1 && ok2 && ok3)
			good++;
		else
			printf("#   row %d: altered %d deleted %d malformed %d\n",
			    r, ok1, ok2, ok3);
	}
	is_int(good, n, "each of 23 rows altered, deleted or malformed: "
	    "named, in every batch size");
	/* Rows of 400 KB: a batch is handed over at 1 MiB of text, not at
	 * 4,096 rows (a log of huge rows keeps two batches' worth). */
	{
		struct px_err e = { 0 };
		char *big = malloc(400001);

		a = fresh(0);
		memset(big, 'p', 400000);
		big[400000] = '\0';
		for (int i = 0; i < 9; i++) {
			struct audit_entry ent = { .action = "set",
				.params = big, .decision = "allowed" };

			audit_append(a, &ent, &e);
		}
		is_int(verify(a, &rows, &bad, why), 0, "nine rows of 400 KB "
		    "verify, in batches cut by size");
		is_int(rows, 9, "all nine");
		tamper("UPDATE audit SET params = 'q' || substr(params, 2) "
		    "WHERE id = 7");
		is_int(verify(a, &rows, &bad, why), 1, "one of them altered: "
		    "broken");
		is_int(bad, 7, "at its row, in the third batch");
		audit_close(a);
		free(big);
	}
	/* Two faults: the checker's (a MAC) before the reader's (a gap),
	 * and the reader's (malformed) before the checker's; a changed
	 * link in the middle of a batch of 3 and 4. */
	static const struct {
		const char *sql, *what;
		long long bad;
		const char *why;
	} two[] = {
		{ "UPDATE audit SET result = 'no' WHERE id = 4; DELETE FROM "
		    "audit WHERE id = 17", "an altered row before a gap", 4,
		    "altered" },
		{ "UPDATE audit SET user = X'FF' WHERE id = 6; UPDATE audit "
		    "SET result = 'no' WHERE id = 15", "a malformed row before "
		    "an altered one", 6, "a text field" },
		{ "UPDATE audit SET prev_mac = 'x' || prev_mac WHERE id = 20",
		    "a changed link", 20, "altered" },
	};
	for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		a = fresh(n);
		tamper(two[i].sql);
		is_int(verify_batches(a, &rows, &bad, why, two[i].what), 1,
		    "%s: broken", two[i].what);
		ok(bad == two[i].bad && strstr(why, two[i].why) != NULL,
		    "%s: row %lld named first (%s)", two[i].what, two[i].bad,
		    why);
		audit_close(a);
	}
}

static void
test_permissions(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(1);

	audit_close(a);
	chmod(db, 0644);
	a = audit_open_at(db, key, &e);
	ok(a == NULL, "a 0644 db is refused");
	is_int(e.id, PXE_SECRET_PERMS, "as unsafe-secret");
	ok(strstr(e.hint, "chmod 600") != NULL, "with the chmod hint: %s",
	    e.hint);
	audit_close(a);
	chmod(db, 0600);

	chmod(key, 0640);
	a = audit_open_at(db, key, &e);
	ok(a == NULL, "a 0640 key is refused");
	is_int(e.id, PXE_SECRET_PERMS, "as unsafe-secret");
	ok(strstr(e.hint, key) != NULL, "the hint names the key");
	audit_close(a);
	chmod(key, 0600);

	a = audit_open_at(db, key, &e);
	ok(a != NULL, "fixed, it opens again");
	audit_close(a);

	truncate(key, 16);
	a = audit_open_at(db, key, &e);
	ok(a == NULL, "a short key is refused");
	audit_close(a);
}

static void
test_lost_key(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(2);
	char other[300];
	long long rows, bad;
	char why[256] = "";

	audit_close(a);
	snprintf(other, sizeof(other), "%s.saved", key);
	rename(key, other);
	a = audit_open_at(db, key, &e);
	ok(a == NULL, "an existing log without its key is refused");
	ok(strstr(e.msg, "missing") != NULL, "saying the key is missing: %s",
	    e.msg);
	audit_close(a);

	unlink(other);

	/* Another key (a log copied next to another log's key). */
	a = fresh(2);
	audit_close(a);
	{
		FILE *f = fopen(key, "w");

		fputs("0123456789abcdef0123456789abcdef", f);
		fclose(f);
	}
	a = audit_open_at(db, key, &e);
	ok(a != NULL, "a log opens with another key");
	is_int(verify(a, &rows, &bad, why), 1, "but does not verify under it");
	is_int(bad, 1, "from row 1");
	audit_close(a);
}

/* Two processes creating the log and appending at the same time: the
 * chain stays linear (BEGIN IMMEDIATE serialises them). */
static void
test_concurrent_appends(void)
{
	struct px_err e = { 0 };
	struct audit *a = fresh(0);
	long long rows, bad;
	char why[256] = "";
	pid_t kid[4];
	int st, okay = 1;

	audit_close(a);
	unlink(db);
	unlink(key);
	for (int k = 0; k < 4; k++) {
		if ((kid[k] = fork()) == 0) {
			struct px_err ce = { 0 };
			struct audit *ca = audit_open_at(db, key, &ce);
			int fails = ca == NULL;

			for (int i = 0; ca != NULL && i < 25; i++) {
				struct audit_entry ent = { .action = "stop",
				    .decision = "allowed", .result = "OK" };

				if (audit_append(ca, &ent, &ce) != 0)
					fails++;
			}
			if (fails)
				fprintf(stderr, "# child: %s\n", ce.msg);
			audit_close(ca);
			_exit(fails != 0);
		}
	}
	for (int k = 0; k < 4; k++)
		if (waitpid(kid[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			okay = 0;
	ok(okay, "four processes open and append at once without error");
	a = audit_open_at(db, key, &e);
	is_int(a ? verify(a, &rows, &bad, why) : -1, 0, "the chain verifies");
	is_int(rows, 100, "with every entry: 100");
	audit_close(a);
}

/* Four processes opening a log that does not exist yet, 100 times: none
 * may take the log another one is creating for a log without its key
 * (the key is made before the log has a byte, so a process that sees
 * the log's bytes must then see the key). */
static void
test_concurrent_first_open(void)
{
	char path[4][600];
	const char *sfx[4] = { "", "-wal", "-shm", ".seal" };
	int fails = 0, rounds = 100;

	for (int r = 0; r < rounds; r++) {
		pid_t kid[4];
		int st;

		for (int i = 0; i < 4; i++) {
			snprintf(path[i], sizeof(path[i]), "%s%s", db, sfx[i]);
			unlink(path[i]);
		}
		unlink(key);
		for (int k = 0; k < 4; k++) {
			if ((kid[k] = fork()) == 0) {
				struct px_err ce = { 0 };
				struct audit *ca = audit_open_at(db, key, &ce);

				if (ca == NULL)
					fprintf(stderr, "# round %d: %s\n", r,
					    ce.msg);
				audit_close(ca);
				_exit(ca == NULL);
			}
		}
		for (int k = 0; k < 4; k++)
			if (waitpid(kid[k], &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != 0)
				fails++;
	}
	is_int(fails, 0, "four processes opening a new log at once, %d "
	    "times: none refused", rounds);
}

static void
test_redact(void)
{
	char out[512];

	audit_redact("vmid=100&password=hunter2&name=web", out, sizeof(out));
	is_str(out, "vmid=100&password=REDACTED&name=web", "password redacted");
	audit_redact("cipassword=x&sshkeys=ssh-rsa%20AAA&ciuser=root", out,
	    sizeof(out));
	is_str(out, "cipassword=REDACTED&sshkeys=REDACTED&ciuser=root",
	    "cloud-init secrets redacted");
	audit_redact("Token=a&API_SECRET=b&ticket=c&tfa-key=d", out,
	    sizeof(out));
	is_str(out, "Token=REDACTED&API_SECRET=REDACTED&ticket=REDACTED&"
	    "tfa-key=REDACTED", "any case, inside longer names");
	audit_redact("pass%77ord=x", out, sizeof(out));
	is_str(out, "pass%77ord=REDACTED", "percent-encoded key names too");
	audit_redact("description=my password is x", out, sizeof(out));
	is_str(out, "description=my password is x", "values are not keys");
	audit_redact("id=dns1&data=Q0ZfVG9rZW49eA%3D%3D&api=cf", out,
	    sizeof(out));
	is_str(out, "id=dns1&data=REDACTED&api=cf", "an ACME plugin's data");
	audit_redact("metadata=x", out, sizeof(out));
	is_str(out, "metadata=x", "data only as the whole key");
	audit_redact("", out, sizeof(out));
	is_str(out, "", "empty form");
	audit_redact(NULL, out, sizeof(out));
	is_str(out, "", "NULL form");
	audit_redact("a=1&&password&b=2", out, sizeof(out));
	is_str(out, "a=1&&password&b=2", "odd pieces kept as they are");
	audit_redact("password=supersecretvalue", out, 12);
	is_str(out, "password=RE", "truncated output never holds the secret");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(db, sizeof(db), "%s/audit.db", dir);
	snprintf(key, sizeof(key), "%s/audit.key", dir);
	test_append_and_verify();
	test_edited_row();
	test_deleted_middle_row();
	test_truncated_tail();
	test_head_tampering();
	test_odd_values();
	test_verify_batches();
	test_permissions();
	test_lost_key();
	test_concurrent_appends();
	test_concurrent_first_open();
	test_redact();
	tap_rmtree(dir);
	return done_testing();
}
