/* pve_nodesys.c -- a node's certificates and apt repositories parsed
 * from PVE's answers (pve_nodesys.h): typed, sanitized, the PEM's
 * fingerprint checked, the standard repositories named by handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_nodesys.h"
#include "tap.h"

static const char pem[] = "-----BEGIN CERTIFICATE-----\\nMIIBbTCCAROgAwIBAgIUc0A2oEcGZzawjFNsfiU59kBMCBMwCgYIKoZIzj0EAwIw\\nDDEKMAgGA1UEAwwBdTAeFw0yNjEyMDUxMjQxMTZaFw0yNjEyMTUxMjQxMTZaMAwx\\nCjAIBgNVBAMMAXUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR56rVt2Mz9A9Oz\\nN9R0EzkCEnx89NnuTHohCLdJajWlw+MHo/RyxyKQdYVLbr62oeWgjcT2P3sMbi+m\\nuKH+8pSyo1MwUTAdBgNVHQ4EFgQUNygZYsALl9IFfdaS6FCgA5LN02EwHwYDVR0j\\nBBgwFoAUNygZYsALl9IFfdaS6FCgA5LN02EwDwYDVR0TAQH/BAUwAwEB/zAKBggq\\nhkjOPQQDAgNIADBFAiAGwxq8/VBJiLUvF1Dq8g2E9HikEbXTHUEYsXMpb9BdGQIh\\nAOA7ry6+NwyhCrw00GIaOz3Wt+Z7QTvYXZiGdSIwqopE\\n-----END CERTIFICATE-----\\n";
static const char fp[] = "28:11:11:21:95:88:66:05:33:EF:EB:03:EF:C2:11:51:1B:EF:9A:F4:4C:56:1A:B8:B3:EE:52:DF:15:44:76:6E";

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
	return done_testing();
}
