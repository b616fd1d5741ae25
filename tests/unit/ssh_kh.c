/* ssh_kh.c -- reading px's known_hosts (ssh_kh_scan). */
#include <stdio.h>
#include <string.h>

#include "ssh.h"
#include "tap.h"

static int
scan(const char *text, const char *name, struct ssh_kh_entry *k,
    struct px_err *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = ssh_kh_scan(f, "kh", name, k, e);

	fclose(f);
	return rc;
}

#define ED "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

int
main(void)
{
	struct ssh_kh_entry k = { 0 };
	struct px_err e = { 0 };
	char fp[64];

	is_int(scan("pve1 ssh-ed25519 " ED "\n", "pve1", &k, &e), 1,
	    "a plain entry is found");
	is_str(k.type, "ssh-ed25519", "its key type");
	is_int(k.line, 1, "its line");
	is_int((int)k.blob.len, 51, "its key decoded");
	ssh_fingerprint(fp, k.blob.p, k.blob.len);
	ok(strncmp(fp, "SHA256:", 7) == 0 && strlen(fp) == 50,
	    "fingerprint in OpenSSH's form: %s", fp);

	is_int(scan("pve1 ssh-ed25519 " ED "\n", "pve", &k, &e), 0,
	    "a prefix of a name does not match");
	is_int(scan("pve10 ssh-ed25519 " ED "\n", "pve1", &k, &e), 0,
	    "a longer name does not match");
	is_int(scan("# pve1 ssh-ed25519 " ED "\n@revoked pve1 ssh-rsa AAAA\n"
	    "pve1\npve1 ssh-ed25519\n", "pve1", &k, &e), 0,
	    "comments, markers and short lines are passed over");
	is_int(scan("x\ny\npve2,[10.0.0.1]:2222 ssh-rsa " ED "\n",
	    "[10.0.0.1]:2222", &k, &e), 1, "a [host]:port in a host list");
	is_int(k.line, 3, "on line 3");
	is_int(scan("pve2,[10.0.0.1]:2222 ssh-rsa " ED "\n", "10.0.0.1", &k,
	    &e), 0, "a bare host does not match its [host]:port entry");
	is_int(scan("\tpve1   ssh-ed25519   " ED "\r\n", "pve1", &k, &e), 1,
	    "blanks and CR around the fields");
	is_int(scan("pve1 ssh-ed25519 !!!\n", "pve1", &k, &e), -1,
	    "a key that is not base64 is an error");
	ok(strstr(e.msg, "kh:1") != NULL && strstr(e.msg, "not base64"),
	    "naming the file and line: %s", e.msg);
	{
		static const char nul[] = "pve1\0 ssh-ed25519 " ED "\n";
		FILE *f = fmemopen((void *)nul, sizeof(nul) - 1, "r");

		is_int(ssh_kh_scan(f, "kh", "pve1", &k, &e), 0,
		    "a line with a NUL byte is not an entry");
		fclose(f);
	}
	buf_free(&k.blob);
	return done_testing();
}
