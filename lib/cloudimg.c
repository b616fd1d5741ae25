/* cloudimg.c -- the cloud image catalogue and checksum files
 * (cloudimg.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cloudimg.h"

static const struct cloudimg catalogue[] = {
	{ "debian-12", "Debian 12 (bookworm) genericcloud, amd64",
	    "https://cloud.debian.org/images/cloud/bookworm/latest/"
	    "debian-12-genericcloud-amd64.qcow2",
	    "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS",
	    "debian-12-genericcloud-amd64.qcow2", "sha512",
	    "debian-12-genericcloud-amd64.qcow2", "l26" },
	{ "debian-13", "Debian 13 (trixie) genericcloud, amd64",
	    "https://cloud.debian.org/images/cloud/trixie/latest/"
	    "debian-13-genericcloud-amd64.qcow2",
	    "https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS",
	    "debian-13-genericcloud-amd64.qcow2", "sha512",
	    "debian-13-genericcloud-amd64.qcow2", "l26" },
	{ "ubuntu-22.04", "Ubuntu 22.04 LTS (jammy) server cloud image, "
	    "amd64",
	    "https://cloud-images.ubuntu.com/jammy/current/"
	    "jammy-server-cloudimg-amd64.img",
	    "https://cloud-images.ubuntu.com/jammy/current/SHA256SUMS",
	    "jammy-server-cloudimg-amd64.img", "sha256",
	    "jammy-server-cloudimg-amd64.qcow2", "l26" },
	{ "ubuntu-24.04", "Ubuntu 24.04 LTS (noble) server cloud image, "
	    "amd64",
	    "https://cloud-images.ubuntu.com/noble/current/"
	    "noble-server-cloudimg-amd64.img",
	    "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS",
	    "noble-server-cloudimg-amd64.img", "sha256",
	    "noble-server-cloudimg-amd64.qcow2", "l26" },
	{ "alpine-3.22", "Alpine Linux 3.22 nocloud (BIOS, cloud-init), "
	    "x86_64",
	    "https://dl-cdn.alpinelinux.org/alpine/v3.22/releases/cloud/"
	    "nocloud_alpine-3.22.1-x86_64-bios-cloudinit-r0.qcow2",
	    "https://dl-cdn.alpinelinux.org/alpine/v3.22/releases/cloud/"
	    "nocloud_alpine-3.22.1-x86_64-bios-cloudinit-r0.qcow2.sha512",
	    "nocloud_alpine-3.22.1-x86_64-bios-cloudinit-r0.qcow2", "sha512",
	    "nocloud_alpine-3.22.1-x86_64-bios-cloudinit-r0.qcow2", "l26" },
	{ "rocky-9", "Rocky Linux 9 GenericCloud Base, x86_64",
	    "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/"
	    "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2",
	    "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/"
	    "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM",
	    "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2", "sha256",
	    "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2", "l26" },
	{ "alma-9", "AlmaLinux 9 GenericCloud, x86_64",
	    "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/"
	    "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2",
	    "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/"
	    "CHECKSUM",
	    "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "sha256",
	    "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "l26" },
};

const struct cloudimg *
cloudimg_list(size_t *n)
{
	*n = sizeof(catalogue) / sizeof(catalogue[0]);
	return catalogue;
}

const struct cloudimg *
cloudimg_find(const char *name)
{
	for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
		if (strcmp(catalogue[i].name, name) == 0)
			return &catalogue[i];
	return NULL;
}

int
cloudimg_mirror(const char *url, const char *mirror, char *out, size_t n,
    struct px_err *e)
{
	const char *host, *path;
	size_t ml;

	if (strncmp(mirror, "https://", 8) != 0)
		return px_fail(e, PXE_CONFIG, "[cloudimg] mirror: only an "
		    "https:// URL is used (the checksums come from it)");
	host = mirror + 8;
	if (*host == '\0' || *host == '/' || strchr(host, '@') != NULL)
		return px_fail(e, PXE_CONFIG, "[cloudimg] mirror: no host, or "
		    "a user name in the URL");
	for (const char *c = mirror; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f ||
		    strchr("\"'<>\\^`{|}#?", *c) != NULL)
			return px_fail(e, PXE_CONFIG, "[cloudimg] mirror: a "
			    "character a URL does not hold (0x%02x)",
			    (unsigned char)*c);
	if (strstr(mirror, "/../") != NULL || strstr(mirror, "/./") != NULL)
		return px_fail(e, PXE_CONFIG, "[cloudimg] mirror: a . or .. "
		    "segment");
	ml = strlen(mirror);
	while (ml > 8 && mirror[ml - 1] == '/')
		ml--;
	if (strncmp(url, "https://", 8) != 0 ||
	    (path = strchr(url + 8, '/')) == NULL)
		return px_fail(e, PXE_USAGE, "%s: not an https:// URL with a "
		    "path", url);
	if (ml + strlen(path) + 1 > n)
		return px_fail(e, PXE_CONFIG, "[cloudimg] mirror: too long");
	snprintf(out, n, "%.*s%s", (int)ml, mirror, path);
	return 0;
}

/* Whether s[0..n) is all hex digits. */
static int
all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

int
cloudimg_sums_find(const char *text, size_t len, const char *file,
    const char *alg, char hex[129], struct px_err *e)
{
	size_t want = strcmp(alg, "sha512") == 0 ? 128 :
	    strcmp(alg, "sha256") == 0 ? 64 : 0, fl = strlen(file);
	const char *p = text, *end = text + len;
	int found = 0;

	if (want == 0)
		return px_fail(e, PXE_USAGE, "checksum algorithm %s: px reads "
		    "sha256 and sha512 files", alg);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *h = NULL, *name = NULL;
		size_t namelen = 0;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > want + 2 && all_hex(p, want) && (p[want] == ' ' ||
		    p[want] == '\t')) {
			/* GNU: HEX, blanks, an optional '*', NAME */
			h = p;
			name = p + want;
			while (name < p + n && (*name == ' ' || *name == '\t'))
				name++;
			if (name < p + n && *name == '*')
				name++;
			namelen = (size_t)(p + n - name);
		} else if (n > want + 8 && strncasecmp(p, alg, 3) == 0) {
			/* BSD: ALG (NAME) = HEX */
			const char *open = memchr(p, '(', n);
			const char *close = open ? memchr(open, ')', (size_t)(
			    p + n - open)) : NULL;

			if (open && close && (size_t)(p + n - close) == want + 4 &&
			    memcmp(close, ") = ", 4) == 0 && all_hex(close + 4,
			    want)) {
				size_t al = (size_t)(open - p);

				while (al > 0 && p[al - 1] == ' ')
					al--;
				/* SHA256 (x) = ... for sha256, SHA512 for
				 * sha512 */
				if (al == strlen(alg) && strncasecmp(p, alg,
				    al) == 0) {
					h = close + 4;
					name = open + 1;
					namelen = (size_t)(close - open - 1);
				}
			}
		}
		if (h && namelen == fl && memcmp(name, file, fl) == 0) {
			char got[129];

			for (size_t i = 0; i < want; i++)
				got[i] = (char)tolower((unsigned char)h[i]);
			got[want] = '\0';
			if (found && strcmp(got, hex) != 0)
				return px_fail(e, PXE_PARSE, "the checksums "
				    "file names %s twice with different sums",
				    file);
			memcpy(hex, got, want + 1);
			found = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (!found)
		return px_fail(e, PXE_NOT_FOUND, "the checksums file has no "
		    "%s sum of %s", alg, file);
	return 0;
}
