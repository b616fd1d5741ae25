/* hitl.c -- which [policy] asks for approval, and the callback data of the
 * Approve/Deny buttons.  The Telegram exchange itself is tested against
 * pxsim by tests/cli/hitl.t (with tests/unit/hitl_live.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "hitl.h"
#include "tap.h"

static char dir[] = "/tmp/px-hitl-XXXXXX";

static int
load(struct px_conf *c, const char *text, mode_t mode, struct px_err *e)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/px.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return conf_load_file(c, path, e);
}

/* The policy asking for approval of action on vmid with tags and pool. */
static const char *
policy(const struct px_conf *c, const char *action, int vmid,
    const char *tags, const char *pool)
{
	struct hitl_request r = { "sim", action, vmid, tags, pool,
	    "a summary" };

	return hitl_policy(c, &r);
}

static const char conf_text[] =
    "[policy deletes]\n"
    "action = delete, destroy\n"
    "timeout = 300\n"
    "[policy web]\n"
    "action = stop,shutdown\n"
    "vmid = 100, 200-299\n"
    "[policy prod]\n"
    "action = *\n"
    "tag = prod,critical\n"
    "[policy money]\n"
    "action = migrate\n"
    "pool = finance\n"
    "[telegram]\n"
    "chat_id = -100\n";

int
main(void)
{
	struct px_conf c;
	struct px_err e;
	unsigned char key[HITL_KEY_LEN], key2[HITL_KEY_LEN];
	const char *nonce = "00112233445566778899aabb";
	char a[HITL_DATA_MAX + 1], d[HITL_DATA_MAX + 1], forged[128];

	if (mkdtemp(dir) == NULL)
		return 1;

	if (!ok(load(&c, conf_text, 0600, &e) == 0, "a config with policies "
	    "loads"))
		printf("#   %s\n", e.msg);

	/* action */
	is_str(policy(&c, "delete", 100, NULL, NULL), "deletes",
	    "an action in the list matches");
	is_str(policy(&c, "destroy", 0, NULL, NULL), "deletes",
	    "so does the second item, spaces trimmed");
	is_str(policy(&c, "DELETE", 0, NULL, NULL), "deletes",
	    "actions compare without case");
	is_str(policy(&c, "start", 100, NULL, NULL), NULL,
	    "an action in no policy matches nothing");
	is_str(policy(&c, "deletes", 0, NULL, NULL), NULL,
	    "a longer word is not a match");

	/* vmid */
	is_str(policy(&c, "stop", 100, NULL, NULL), "web",
	    "a VMID in the list matches");
	is_str(policy(&c, "stop", 250, NULL, NULL), "web",
	    "a VMID in a range matches");
	is_str(policy(&c, "stop", 101, NULL, NULL), NULL,
	    "a VMID outside the list does not");
	is_str(policy(&c, "shutdown", 300, NULL, NULL), NULL,
	    "the end of a range is its last VMID");
	is_str(policy(&c, "stop", 0, NULL, NULL), NULL,
	    "no VMID does not match a vmid list");

	/* tag, with action = * */
	is_str(policy(&c, "start", 500, "web;prod", NULL), "prod",
	    "action * with a guest tag in the list matches");
	is_str(policy(&c, "reboot", 500, "CRITICAL", NULL), "prod",
	    "tags compare without case");
	is_str(policy(&c, "start", 500, "web,critical db", NULL), "prod",
	    "tags separated by commas or spaces");
	is_str(policy(&c, "start", 500, "production", NULL), NULL,
	    "a tag must match whole");
	is_str(policy(&c, "start", 500, NULL, NULL), NULL,
	    "a guest without tags does not match a tag policy");
	is_str(policy(&c, "stop", 100, "prod", NULL), "web",
	    "the first matching policy wins");

	/* pool */
	is_str(policy(&c, "migrate", 500, NULL, "finance"), "money",
	    "a pool in the list matches");
	is_str(policy(&c, "migrate", 500, NULL, "Finance"), NULL,
	    "pools compare with case, like PVE");
	is_str(policy(&c, "migrate", 500, NULL, NULL), NULL,
	    "a guest in no pool does not match a pool policy");

	/* timeouts */
	is_int(hitl_timeout(&c, "deletes", &e), 300, "a policy's timeout");
	is_int(hitl_timeout(&c, "web", &e), 120, "the default timeout is 120 s");
	conf_free(&c);

	/* policies that cannot be read ask, rather than wave through */
	load(&c, "[policy typo]\nactions = stop\n[policy bad]\naction = start\n"
	    "vmid = 1OO\n[policy t]\naction = stop\ntimeout = soon\n", 0600, &e);
	is_str(policy(&c, "delete", 1, NULL, NULL), "typo",
	    "a policy with an unknown key matches");
	is_int(hitl_approve(&c, "typo", &(struct hitl_request){ "sim", "delete",
	    1, NULL, NULL, "x" }, NULL, 0, &e), -1,
	    "and approval refuses it");
	is_int(e.id, PXE_CONFIG, "as a configuration error");
	ok(strstr(e.msg, "actions") != NULL, "naming the key");
	is_int(hitl_approve(&c, "bad", &(struct hitl_request){ "sim", "start",
	    1, NULL, NULL, "x" }, NULL, 0, &e), -1,
	    "a malformed vmid list is refused");
	ok(strstr(e.msg, "1OO") != NULL, "quoting it");
	is_int(hitl_timeout(&c, "t", &e), -1, "a malformed timeout is refused");
	is_int(e.id, PXE_CONFIG, "as a configuration error");
	conf_free(&c);

	/* no policies at all */
	load(&c, "[telegram]\nchat_id = 1\n", 0600, &e);
	is_str(policy(&c, "delete", 100, "prod", "finance"), NULL,
	    "without policies nothing asks");
	conf_free(&c);

	/* Telegram not configured: denied at once */
	load(&c, "[policy all]\naction = *\n", 0600, &e);
	is_int(hitl_approve(&c, "all", &(struct hitl_request){ "sim", "stop",
	    100, NULL, NULL, "stop VM 100" }, NULL, 0, &e), -1,
	    "approval without [telegram] fails");
	is_int(e.id, PXE_HITL_DENIED, "as denied (exit 9)");
	ok(strstr(e.msg, "approval required by policy all but Telegram is "
	    "not configured") != NULL, "saying why");
	ok(e.hint[0] != '\0', "with a hint");
	conf_free(&c);
	load(&c, "[policy all]\naction = *\n[telegram]\nbot_token = 1:abc\n"
	    "approver = 5\n", 0600, &e);
	hitl_approve(&c, "all", &(struct hitl_request){ "sim", "stop", 100,
	    NULL, NULL, "stop VM 100" }, NULL, 0, &e);
	is_int(e.id, PXE_HITL_DENIED, "no chat_id: denied");
	ok(strstr(e.msg, "chat_id") != NULL, "naming chat_id");
	conf_free(&c);
	load(&c, "[policy all]\naction = *\n[telegram]\nbot_token = 1:abc\n"
	    "chat_id = -5\n", 0600, &e);
	hitl_approve(&c, "all", &(struct hitl_request){ "sim", "stop", 100,
	    NULL, NULL, "stop VM 100" }, NULL, 0, &e);
	is_int(e.id, PXE_HITL_DENIED, "no approver: denied");
	conf_free(&c);
	load(&c, "[policy all]\naction = *\n[telegram]\nbot_token = 1:abc\n"
	    "chat_id = -5\napprover = 7\n", 0644, &e);
	hitl_approve(&c, "all", &(struct hitl_request){ "sim", "stop", 100,
	    NULL, NULL, "stop VM 100" }, NULL, 0, &e);
	is_int(e.id, PXE_SECRET_PERMS, "an inline token in a 0644 config is "
	    "refused");
	ok(strstr(e.msg, "1:abc") == NULL, "without printing the token");
	conf_free(&c);

	/* local_approver: who may answer a queued request in pxtop */
	load(&c, "[policy ops]\naction = stop\nlocal_approver = alice, bob "
	    "carol\n[policy none]\naction = start\n[policy bad]\naction = "
	    "reboot\nlocal_approver = alice, Bob;rm\n[policy empty]\naction "
	    "= delete\nlocal_approver = ,\n", 0600, &e);
	is_int(hitl_local_approver(&c, "ops", "alice", &e), 1,
	    "local_approver: alice is one");
	is_int(hitl_local_approver(&c, "ops", "carol", &e), 1,
	    "local_approver: blanks separate too");
	is_int(hitl_local_approver(&c, "ops", "ali", &e), 0,
	    "local_approver: a prefix is not a name");
	is_int(hitl_local_approver(&c, "ops", "mallory", &e), 0,
	    "local_approver: another user is not");
	is_int(hitl_local_approver(&c, "none", "alice", &e), 0,
	    "no local_approver: nobody answers locally");
	memset(&e, 0, sizeof(e));
	is_int(hitl_local_approver(&c, "bad", "alice", &e), -1,
	    "a malformed local_approver is an error, not a silent allow");
	is_int(e.id, PXE_CONFIG, "a configuration error");
	ok(strstr(e.msg, "local_approver") && strstr(e.msg, "\"Bob\""),
	    "naming the key and the value: %s", e.msg);
	memset(&e, 0, sizeof(e));
	is_int(hitl_local_approver(&c, "empty", "alice", &e), -1,
	    "an empty local_approver is an error");
	memset(&e, 0, sizeof(e));
	hitl_approve(&c, "bad", &(struct hitl_request){ "sim", "reboot", 100,
	    NULL, NULL, "reboot VM 100" }, NULL, 0, &e);
	is_int(e.id, PXE_CONFIG, "a mutation under that policy is refused "
	    "with the configuration error");
	ok(policy(&c, "start", 100, NULL, NULL) != NULL &&
	    strcmp(policy(&c, "start", 100, NULL, NULL), "none") == 0,
	    "local_approver is a known key: [policy ops] matches only its "
	    "actions");
	conf_free(&c);

	/* callback data */
	memset(key, 7, sizeof(key));
	memset(key2, 8, sizeof(key2));
	hitl_callback_data(key, nonce, 'a', "stop VM 100", a);
	hitl_callback_data(key, nonce, 'd', "stop VM 100", d);
	ok(strncmp(a, "pxa:00112233445566778899aabb:a:", 31) == 0,
	    "approve data: pxa:NONCE:a:TAG");
	is_int(strlen(a), 4 + 24 + 3 + 24, "nonce and tag of 12 bytes each");
	ok(strlen(a) <= 64, "within Telegram's 64 bytes");
	ok(strcmp(a + 31, d + 31) != 0, "approve and deny have other tags");
	is_int(hitl_callback_check(key, nonce, "stop VM 100", a), 'a',
	    "genuine approve data check as approve");
	is_int(hitl_callback_check(key, nonce, "stop VM 100", d), 'd',
	    "genuine deny data check as deny");
	is_int(hitl_callback_check(key, "ffffffffffffffffffffffff",
	    "stop VM 100", a), 0, "another request's nonce is refused");
	is_int(hitl_callback_check(key2, nonce, "stop VM 100", a), 0,
	    "a tag from another key is refused");
	is_int(hitl_callback_check(key, nonce, "delete VM 100", a), 0,
	    "a tag for another summary is refused");
	snprintf(forged, sizeof(forged), "%.*s", 29, a);
	strcat(forged, "a:");
	strcat(forged, d + 31);
	is_int(hitl_callback_check(key, nonce, "stop VM 100", forged), 0,
	    "deny's tag on approve is refused");
	snprintf(forged, sizeof(forged), "%s", a);
	forged[strlen(forged) - 1] ^= 1;
	is_int(hitl_callback_check(key, nonce, "stop VM 100", forged), 0,
	    "a changed tag digit is refused");
	snprintf(forged, sizeof(forged), "%s0", a);
	is_int(hitl_callback_check(key, nonce, "stop VM 100", forged), 0,
	    "a longer tag is refused");
	forged[strlen(a) - 2] = '\0';
	is_int(hitl_callback_check(key, nonce, "stop VM 100", forged), 0,
	    "a shorter tag is refused");
	is_int(hitl_callback_check(key, nonce, "stop VM 100",
	    "pxa:00112233445566778899aabb:x:00"), 0, "a bad choice is refused");
	is_int(hitl_callback_check(key, nonce, "stop VM 100", ""), 0,
	    "empty data are refused");
	is_int(hitl_callback_check(key, nonce, "stop VM 100", "approve"), 0,
	    "foreign data are refused");

	snprintf(forged, sizeof(forged), "%s/px.conf", dir);
	unlink(forged);
	rmdir(dir);
	return done_testing();
}
