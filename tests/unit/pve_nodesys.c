/* pve_nodesys.c -- a node's system objects parsed from PVE's answers
 * (pve_nodesys.h): certificates and apt repositories (typed, sanitized,
 * the PEM's fingerprint checked, the standard repositories named by
 * handle); DNS, time, hosts, subscription, services, upgradable
 * packages, text answers and the wake-on-LAN MAC, each against PVE's
 * shape and against wrong types, huge strings and controls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_nodesys.h"
#include "tap.h"

static const char pem[] = "-----BEGIN CERTIFICATE-----\\nMIIBbTCCAROgAwIBAgIUc0A2oEcGZzawjFNsfiU59kBMCBMwCgYIKoZIzj0EAwIw\\nDDEKMAgGA1UEAwwBdTAeFw0yNjEyMDUxMjQxMTZaFw0yNjEyMTUxMjQxMTZaMAwx\\nCjAIBgNVBAMMAXUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR56rVt2Mz9A9Oz\\nN9R0EzkCEnx89NnuTHohCLdJajWlw+MHo/RyxyKQdYVLbr62oeWgjcT2P3sMbi+m\\nuKH+8pSyo1MwUTAdBgNVHQ4EFgQUNygZYsALl9IFfdaS6FCgA5LN02EwHwYDVR0j\\nBBgwFoAUNygZYsALl9IFfdaS6FCgA5LN02EwDwYDVR0TAQH/BAUwAwEB/zAKBggq\\nhkjOPQQDAgNIADBFAiAGwxq8/VBJiLUvF1Dq8g2E9HikEbXTHUEYsXMpb9BdGQIh\\nAOA7ry6+NwyhCrw00GIaOz3Wt+Z7QTvYXZiGdSIwqopE\\n-----END CERTIFICATE-----\\n";
static const char fp[] = "28:11:11:21:95:88:66:05:33:EF:EB:03:EF:C2:11:51:1B:EF:9A:F4:4C:56:1A:B8:B3:EE:52:DF:15:44:76:6E";

/* body into *j (the test fails loudly when it does not parse). */
static void
parse(struct json *j, const char *body)
{
	struct px_err e = { 0 };

	if (json_parse(j, body, strlen(body), &e) != 0)
		ok(0, "the test's body parses: %s", body);
}

static long dropped;

static void
on_drop(const char *origin, int row, const char *why)
{
	(void)origin;
	(void)row;
	(void)why;
	dropped++;
}

static void
simple_lists(void)
{
	struct json j;
	struct px_err e = { 0 };
	struct pve_node_dns d;
	struct pve_node_time t;
	struct pve_node_hosts h;
	struct pve_node_subscription sub;
	struct pve_node_service *sv;
	struct pve_apt_pkg *pk;
	char big[4096], body[8192], *text, mac[18];
	int n;

	/* dns, as PVE 9 answers (/nodes/{node}/dns GET) */
	parse(&j, "{\"search\":\"example.lan\",\"dns1\":\"10.0.0.1\","
	    "\"dns2\":\"2001:db8::1\"}");
	ok(pve_node_dns_parse(&j, 0, &d, &e) == 0, "dns parses");
	is_str(d.search, "example.lan", "dns: search");
	is_str(d.dns[0], "10.0.0.1", "dns: dns1");
	is_str(d.dns[1], "2001:db8::1", "dns: dns2 (IPv6)");
	is_str(d.dns[2], "", "dns: an absent dns3 is \"\"");
	json_free(&j);
	parse(&j, "{\"search\":\"a\\u001b[2J\\r\\nb\",\"dns1\":7,"
	    "\"dns2\":{\"x\":1},\"dns3\":[\"1.1.1.1\"]}");
	ok(pve_node_dns_parse(&j, 0, &d, &e) == 0, "dns with wrong types "
	    "parses");
	is_str(d.search, "a?[2J? b", "dns: ESC and CR are '?', LF a blank");
	is_str(d.dns[0], "7", "dns: a number where a string belongs: its "
	    "text");
	is_str(d.dns[1], "", "dns: an object where a string belongs: \"\"");
	is_str(d.dns[2], "", "dns: an array where a string belongs: \"\"");
	json_free(&j);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(body, sizeof(body), "{\"search\":\"%s\"}", big);
	parse(&j, body);
	ok(pve_node_dns_parse(&j, 0, &d, &e) == 0 && strlen(d.search) ==
	    sizeof(d.search) - 1, "dns: a huge search domain is cut to its "
	    "buffer");
	json_free(&j);
	parse(&j, "[\"10.0.0.1\"]");
	ok(pve_node_dns_parse(&j, 0, &d, &e) != 0 && e.id == PXE_PARSE,
	    "dns: a list is not the DNS settings");
	json_free(&j);

	/* time */
	parse(&j, "{\"timezone\":\"Europe/Vienna\",\"time\":1764955200,"
	    "\"localtime\":1764958800}");
	ok(pve_node_time_parse(&j, 0, &t, &e) == 0, "time parses");
	is_str(t.timezone, "Europe/Vienna", "time: the zone");
	ok(t.time == 1764955200 && t.localtime - t.time == 3600,
	    "time: epoch and wall clock");
	json_free(&j);
	parse(&j, "{\"timezone\":\"UTC\\u009b31m\",\"time\":\"1764955200\","
	    "\"localtime\":\"1764955200\"}");
	ok(pve_node_time_parse(&j, 0, &t, &e) == 0 && t.time == 1764955200,
	    "time: epochs as strings (older PVE)");
	is_str(t.timezone, "UTC?31m", "time: a C1 CSI in the zone is '?'");
	json_free(&j);
	parse(&j, "{\"timezone\":\"UTC\",\"localtime\":1764955200}");
	ok(pve_node_time_parse(&j, 0, &t, &e) != 0 && e.id == PXE_PARSE &&
	    strstr(e.msg, "time is missing") != NULL, "time: no time is an "
	    "error, named");
	json_free(&j);
	parse(&j, "{\"time\":\"soon\",\"localtime\":1764955200}");
	ok(pve_node_time_parse(&j, 0, &t, &e) != 0 &&
	    strstr(e.msg, "time is not an integer") != NULL, "time: a time "
	    "that is no integer is an error");
	json_free(&j);
	parse(&j, "{\"time\":1764955200,\"localtime\":{}}");
	ok(pve_node_time_parse(&j, 0, &t, &e) != 0 &&
	    strstr(e.msg, "localtime is not an integer") != NULL, "time: an "
	    "object as localtime is an error");
	json_free(&j);

	/* hosts */
	parse(&j, "{\"digest\":\"59205b0d7c53db1d340b7489afe8089e7ca5f29c\","
	    "\"data\":\"127.0.0.1 localhost\\n10.0.0.11\\tpve1 \\u001b]0;x"
	    "\\u0007\\r\\n\"}");
	ok(pve_node_hosts_parse(&j, 0, 1024, &h, &e) == 0, "hosts parses");
	is_str(h.digest, "59205b0d7c53db1d340b7489afe8089e7ca5f29c",
	    "hosts: the digest");
	is_str(h.data, "127.0.0.1 localhost\n10.0.0.11\tpve1 ?]0;x??\n",
	    "hosts: lines and tabs kept, ESC, BEL and CR '?'");
	pve_node_hosts_free(&h);
	ok(pve_node_hosts_parse(&j, 0, 10, &h, &e) != 0 && e.id ==
	    PXE_TOO_LARGE && h.data == NULL, "hosts: over the cap: too large");
	json_free(&j);
	snprintf(body, sizeof(body), "{\"digest\":\"%.80s\",\"data\":\"\"}",
	    big);
	parse(&j, body);
	ok(pve_node_hosts_parse(&j, 0, 1024, &h, &e) == 0 && h.digest[0] ==
	    '\0' && h.data && h.data[0] == '\0', "hosts: a digest over 64 is "
	    "dropped, an empty file is one");
	pve_node_hosts_free(&h);
	json_free(&j);
	parse(&j, "{\"digest\":\"ab\",\"data\":12}");
	ok(pve_node_hosts_parse(&j, 0, 1024, &h, &e) != 0 && e.id ==
	    PXE_PARSE, "hosts: data that is no string is an error");
	json_free(&j);
	parse(&j, "{\"digest\":\"ab\"}");
	ok(pve_node_hosts_parse(&j, 0, 1024, &h, &e) != 0 && e.id ==
	    PXE_PARSE, "hosts: no data is an error");
	json_free(&j);

	/* subscription */
	parse(&j, "{\"status\":\"notfound\",\"serverid\":\"3ED265D94DBF818E\","
	    "\"sockets\":2,\"message\":\"There is no subscription key\","
	    "\"url\":\"https://www.proxmox.com/en/proxmox-virtual-environment/"
	    "pricing\"}");
	ok(pve_node_subscription_parse(&j, 0, &sub, &e) == 0,
	    "subscription parses");
	ok(strcmp(sub.status, "notfound") == 0 && sub.sockets == 2 &&
	    sub.checktime == 0 && sub.level[0] == '\0' && sub.key[0] == '\0',
	    "subscription: status, sockets; no level, key or checktime");
	json_free(&j);
	parse(&j, "{\"status\":\"active\",\"level\":\"c\",\"key\":"
	    "\"pve2c-0123456789\",\"sockets\":\"4\",\"checktime\":\"1764955200\","
	    "\"nextduedate\":\"2027-01-01\",\"productname\":\"Proxmox VE "
	    "Community\\u001b[5m\"}");
	ok(pve_node_subscription_parse(&j, 0, &sub, &e) == 0 && sub.sockets ==
	    4 && sub.checktime == 1764955200, "subscription: numbers as "
	    "strings");
	is_str(sub.productname, "Proxmox VE Community?[5m", "subscription: "
	    "the product name sanitized");
	json_free(&j);
	parse(&j, "{\"status\":\"active\",\"sockets\":1e300}");
	ok(pve_node_subscription_parse(&j, 0, &sub, &e) != 0 && e.id ==
	    PXE_PARSE, "subscription: sockets that do not fit are an error");
	json_free(&j);
	parse(&j, "\"active\"");
	ok(pve_node_subscription_parse(&j, 0, &sub, &e) != 0,
	    "subscription: a string is not the answer");
	json_free(&j);

	/* services */
	px_drop_set(on_drop);
	dropped = 0;
	parse(&j, "[{\"name\":\"pveproxy\",\"service\":\"pveproxy\","
	    "\"state\":\"running\",\"active-state\":\"active\","
	    "\"unit-state\":\"enabled\",\"desc\":\"PVE API Proxy Server\"},"
	    "\"junk\",{\"service\":\"nameless\"},{\"name\":\"evil\\u001b[31m\","
	    "\"desc\":7,\"state\":[1]}]");
	ok(pve_node_services_parse(&j, 0, &sv, &n, &e) == 0, "services parse");
	is_int(n, 2, "services: two kept");
	is_int(dropped, 2, "services: a string and a nameless row dropped, "
	    "reported");
	ok(strcmp(sv[0].active_state, "active") == 0 &&
	    strcmp(sv[0].unit_state, "enabled") == 0 &&
	    strcmp(sv[0].desc, "PVE API Proxy Server") == 0,
	    "services: PVE's dashed keys");
	is_str(sv[1].name, "evil?[31m", "services: the name sanitized");
	ok(strcmp(sv[1].desc, "7") == 0 && sv[1].state[0] == '\0',
	    "services: a number as text, an array as \"\"");
	free(sv);
	json_free(&j);
	parse(&j, "{\"name\":\"pveproxy\"}");
	ok(pve_node_services_parse(&j, 0, &sv, &n, &e) != 0 && e.id ==
	    PXE_PARSE && sv == NULL, "services: an object is not the list");
	json_free(&j);

	/* upgradable packages */
	dropped = 0;
	parse(&j, "[{\"Package\":\"pve-manager\",\"OldVersion\":\"9.1.1\","
	    "\"Version\":\"9.1.2\",\"Origin\":\"Proxmox\",\"Section\":\"admin\","
	    "\"Priority\":\"optional\",\"Arch\":\"amd64\",\"Title\":\"The "
	    "Proxmox Virtual Environment\",\"Description\":\"long\"},"
	    "{\"Package\":\"new-pkg\",\"Version\":\"1.0\",\"Title\":"
	    "\"x\\r\\ny\"},{\"Version\":\"2\"}]");
	ok(pve_apt_pkgs_parse(&j, 0, &pk, &n, &e) == 0, "packages parse");
	is_int(n, 2, "packages: two kept");
	is_int(dropped, 1, "packages: one with no name dropped");
	ok(strcmp(pk[0].oldversion, "9.1.1") == 0 &&
	    strcmp(pk[0].version, "9.1.2") == 0 &&
	    strcmp(pk[0].arch, "amd64") == 0, "packages: old, new, arch");
	is_str(pk[1].oldversion, "", "packages: not installed: no old "
	    "version");
	is_str(pk[1].title, "x? y", "packages: CR and LF in the title");
	free(pk);
	json_free(&j);
	px_drop_set(NULL);

	/* text answers */
	parse(&j, "\"==== general ====\\n\\tuptime\\u001b[H\\r\\n\"");
	ok(pve_text_parse(&j, 0, 1024, &text, &e) == 0, "text parses");
	is_str(text, "==== general ====\n\tuptime?[H?\n", "text: lines and "
	    "tabs kept, ESC and CR '?'");
	free(text);
	ok(pve_text_parse(&j, 0, 8, &text, &e) != 0 && e.id ==
	    PXE_TOO_LARGE && text == NULL, "text: over the cap");
	json_free(&j);
	parse(&j, "{\"report\":\"x\"}");
	ok(pve_text_parse(&j, 0, 1024, &text, &e) != 0 && e.id == PXE_PARSE,
	    "text: an object is no text");
	json_free(&j);

	/* journal: cursors first and last, lines between */
	{
		struct pve_journal jn;
		struct pve_syslog_line *sl;
		long long total;

		parse(&j, "[\"s=first\",\"Dec 05 pve1 sshd[1]: a\\tb\","
		    "\"Dec 05 pve1 login: user=evil\\u001b]0;pwned\\u0007\",7,"
		    "\"\\u00e4\\u00e4\\u00e4\\u00e4\",\"s=last\"]");
		ok(pve_journal_parse(&j, 0, 6, &jn, &e) == 0, "journal parses");
		is_int(jn.n, 3, "journal: three lines, a number skipped");
		is_str(jn.cursor, "s=last", "journal: the last cursor");
		ok(jn.has_cursor, "journal: it has one");
		is_str(jn.lines[0], "Dec 05", "journal: a line cut at max");
		is_str(jn.lines[2], "\xc3\xa4\xc3\xa4\xc3\xa4", "journal: cut on a "
		    "character boundary");
		pve_journal_free(&jn);
		ok(pve_journal_parse(&j, 0, 8192, &jn, &e) == 0 &&
		    strcmp(jn.lines[0], "Dec 05 pve1 sshd[1]: a b") == 0,
		    "journal: a tab is a blank");
		is_str(jn.lines[1], "Dec 05 pve1 login: user=evil?]0;pwned?",
		    "journal: ESC and BEL are '?'");
		pve_journal_free(&jn);
		json_free(&j);
		parse(&j, "[\"only\"]");
		ok(pve_journal_parse(&j, 0, 8192, &jn, &e) == 0 && jn.n == 1 &&
		    !jn.has_cursor, "journal: one string is a line, no cursor");
		pve_journal_free(&jn);
		json_free(&j);
		snprintf(body, sizeof(body), "[\"a\",\"x\",\"%.600s\"]", big);
		parse(&j, body);
		ok(pve_journal_parse(&j, 0, 8192, &jn, &e) == 0 &&
		    jn.has_cursor && jn.cursor[0] == '\0', "journal: a cursor too "
		    "long to send back whole is none");
		pve_journal_free(&jn);
		json_free(&j);
		parse(&j, "{\"a\":1}");
		ok(pve_journal_parse(&j, 0, 8192, &jn, &e) != 0 && e.id ==
		    PXE_PARSE, "journal: an object is no journal");
		json_free(&j);

		/* syslog: rows {n, t} and the envelope's total */
		parse(&j, "{\"data\":[{\"n\":1,\"t\":\"boot\\r\"},{\"n\":\"2\","
		    "\"t\":\"x\\u009b1m\"},{\"n\":3},\"junk\",{\"n\":4,\"t\":5}],"
		    "\"total\":\"40\"}");
		ok(pve_syslog_parse(&j, json_get(&j, 0, "data"), 8192, &sl, &n,
		    &total, &e) == 0, "syslog parses");
		is_int(n, 2, "syslog: rows with no text or no object skipped");
		is_int(total, 40, "syslog: the total, as a string");
		ok(sl[0].n == 1 && strcmp(sl[0].t, "boot?") == 0,
		    "syslog: CR is '?'");
		ok(sl[1].n == 2 && strcmp(sl[1].t, "x?1m") == 0,
		    "syslog: n as a string, a C1 CSI '?'");
		pve_syslog_free(sl, n);
		json_free(&j);
		parse(&j, "{\"data\":{}}");
		ok(pve_syslog_parse(&j, json_get(&j, 0, "data"), 8192, &sl, &n,
		    &total, &e) != 0 && e.id == PXE_PARSE && total == -1,
		    "syslog: an object is no list, no total");
		json_free(&j);
	}

	/* wake-on-LAN */
	parse(&j, "[\"aa:bb:cc:00:11:22\",\"AA-BB-CC-00-11-22\","
	    "\"aa:bb:cc:00:11:2\\u001b\",\"aa:bb:cc:00:11:22:33\",5]");
	ok(pve_mac_parse(&j, 1, mac) == 0 && strcmp(mac,
	    "aa:bb:cc:00:11:22") == 0, "mac: as PVE sends it");
	ok(pve_mac_parse(&j, 2, mac) == 0 && strcmp(mac,
	    "AA-BB-CC-00-11-22") == 0, "mac: with dashes, as sent");
	ok(pve_mac_parse(&j, 3, mac) != 0 && mac[0] == '\0', "mac: an ESC "
	    "in it: none");
	ok(pve_mac_parse(&j, 4, mac) != 0, "mac: seven pairs: none");
	ok(pve_mac_parse(&j, 5, mac) != 0, "mac: a number: none");
	json_free(&j);
}

int
main(void)
{
	struct json j;
	struct px_err e = { 0 };
	struct pve_cert *c;
	struct pve_node_repo *r;
	char body[8192], digest[96], known[256], got[96];
	int n, bad;

	ok(pve_pem_fingerprint("-----BEGIN CERTIFICATE-----\n$$$\n-----END "
	    "CERTIFICATE-----\n", got) != 0, "a PEM that is no base64: none");
	ok(pve_pem_fingerprint("hello", got) != 0, "no PEM: none");

	snprintf(body, sizeof(body), "[{\"filename\":\"pveproxy-ssl.pem\","
	    "\"fingerprint\":\"%s\",\"subject\":\"/CN=u\\u001b[2J\","
	    "\"issuer\":\"/CN=u\",\"notbefore\":\"1700000000\",\"notafter\":"
	    "1800000000,\"san\":[\"a.example\",\"b\\u0007\",7],"
	    "\"public-key-type\":\"id-ecPublicKey\",\"public-key-bits\":256,"
	    "\"pem\":\"%s\"},{\"filename\":\"x.pem\",\"fingerprint\":\"AA:BB\","
	    "\"pem\":\"%s\"},3]", fp, pem, pem);
	ok(json_parse(&j, body, strlen(body), &e) == 0, "the answer parses");
	ok(pve_certs_parse(&j, 0, &c, &n, &bad, &e) == 0, "certs parse");
	is_int(n, 2, "two certificates");
	is_int(bad, 1, "a row that is no object is counted");
	is_str(c[0].subject, "/CN=u?[2J", "an escape in the subject: '?'");
	is_str(c[0].san, "a.example,b?", "SANs joined, sanitized, a number "
	    "dropped");
	is_int(c[0].notbefore, 1700000000, "notbefore as a string");
	ok(c[0].has_notafter && c[0].notafter == 1800000000, "notafter");
	is_int(c[0].keybits, 256, "key bits");
	is_int(c[0].pem_check, 1, "the PEM's fingerprint is the stated one");
	is_int(c[1].pem_check, -1, "a stated fingerprint that is not the "
	    "PEM's");
	is_str(c[1].pem_fingerprint, fp, "the PEM's own fingerprint");
	free(c);
	json_free(&j);
	snprintf(body, sizeof(body), "{\"a\":1}");
	json_parse(&j, body, strlen(body), &e);
	ok(pve_certs_parse(&j, 0, &c, &n, &bad, &e) != 0 && e.id == PXE_PARSE,
	    "an object is not the certificates");
	json_free(&j);

	snprintf(body, sizeof(body), "{\"digest\":\"abc123\",\"files\":["
	    "{\"path\":\"/etc/apt/sources.list.d/pve.sources\","
	    "\"repositories\":[{\"Types\":[\"deb\"],\"URIs\":"
	    "[\"https://enterprise.proxmox.com/debian/pve\"],\"Suites\":"
	    "[\"trixie\"],\"Components\":[\"pve-enterprise\"],\"Enabled\":0},"
	    "\"junk\",{\"URIs\":[\"http://download.proxmox.com/debian/pve\"],"
	    "\"Components\":[\"pve-no-subscription\"],\"Enabled\":true}]},"
	    "{\"path\":\"/etc/apt/sources.list.d/ceph.sources\","
	    "\"repositories\":[{\"URIs\":[\"http://download.proxmox.com/"
	    "debian/ceph-squid\"],\"Components\":[\"test\"],\"Enabled\":1},"
	    "{\"URIs\":[\"http://deb.debian.org/debian\"],\"Components\":"
	    "[\"main\\u001b\"]}]}],\"standard-repos\":[{\"handle\":"
	    "\"enterprise\"},{\"handle\":\"bad handle\"},{\"handle\":\"test\"}]}");
	ok(json_parse(&j, body, strlen(body), &e) == 0, "repositories parse");
	ok(pve_node_repos_parse(&j, 0, &r, &n, digest, sizeof(digest), known,
	    sizeof(known), &e) == 0, "pve_node_repos_parse");
	is_int(n, 4, "four repositories");
	is_str(digest, "abc123", "the digest");
	is_str(known, " enterprise test ", "the handles PVE knows, a bad one "
	    "dropped");
	is_str(r[0].handle, "enterprise", "enterprise by its component");
	is_int(r[0].enabled, 0, "disabled");
	is_int(r[1].index, 2, "an entry that is no object still counts for "
	    "the index");
	is_str(r[1].handle, "no-subscription", "no-subscription");
	is_str(r[2].handle, "ceph-squid-test", "a Ceph test repository");
	is_int(r[2].index, 0, "index within its own file");
	is_str(r[3].handle, "", "Debian's: no handle");
	is_str(r[3].components, "main?", "components sanitized");
	free(r);
	json_free(&j);
	simple_lists();
	return done_testing();
}
