/* enc.c -- base64, percent-encoding, fingerprints, sanitising. */
#include <string.h>

#include "enc.h"
#include "tap.h"

int
main(void)
{
	struct buf b = { 0 };
	char fp[96];

	b64_encode(&b, "", 0);
	is_str(buf_str(&b), "", "base64 of nothing");
	buf_reset(&b);
	b64_encode(&b, "f", 1);
	is_str(buf_str(&b), "Zg==", "base64 pads one byte");
	buf_reset(&b);
	b64_encode(&b, "foobar", 6);
	is_str(buf_str(&b), "Zm9vYmFy", "base64 of six bytes");
	buf_reset(&b);
	ok(b64_decode(&b, "Zm9v\nYmE=", 9) == 0, "base64 decodes across newlines");
	is_str(buf_str(&b), "fooba", "decoded text");
	buf_reset(&b);
	ok(b64_decode(&b, "Zm9v!", 5) == -1, "base64 rejects a bad character");
	buf_reset(&b);

	url_seg(&b, "root@pam");
	is_str(buf_str(&b), "root%40pam", "user ids are encoded in paths");
	buf_reset(&b);
	url_seg(&b, "10.0.0.0/24");
	is_str(buf_str(&b), "10.0.0.0%2F24", "CIDRs keep no slash");
	buf_reset(&b);
	url_seg(&b, "local:backup/vzdump-qemu-100.vma.zst");
	is_str(buf_str(&b), "local%3Abackup%2Fvzdump-qemu-100.vma.zst",
	    "volids are one segment");
	buf_reset(&b);
	url_seg(&b, "a b~_.-");
	is_str(buf_str(&b), "a%20b~_.-", "unreserved characters stay");
	buf_reset(&b);

	form_add(&b, "vmid", "100");
	form_add(&b, "description", "a&b=c d");
	is_str(buf_str(&b), "vmid=100&description=a%26b%3Dc%20d",
	    "form values are encoded and joined with &");
	buf_reset(&b);
	form_addf(&b, "n", "%d", 42);
	is_str(buf_str(&b), "n=42", "form_addf formats");
	buf_reset(&b);

	ok(url_decode(&b, "a%2Fb+c", 7, 1) == 0, "url_decode accepts escapes");
	is_str(buf_str(&b), "a/b c", "plus is a space in forms");
	buf_reset(&b);
	ok(url_decode(&b, "a%2", 3, 0) == -1, "a truncated escape is an error");
	buf_reset(&b);
	ok(url_decode(&b, "%zz", 3, 0) == -1, "a bad escape is an error");
	buf_reset(&b);

	fingerprint_of(fp, "abc", 3);
	is_str(fp, "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:"
	    "A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
	    "SHA-256 fingerprint in PVE's colon-hex form");

	char s[] = "ok\x1b[31mred\x07\ttab";
	is_str(text_sanitize(s), "ok?[31mred? tab",
	    "control characters from a server are neutralised");
	{
		char c1[] = "a\xc2\x9b" "31mb\x9b" "1mc\x85" "d\x7f";
		char utf[] = "gr\xc3\xbc\xc3\x9f \xe2\x80\x9b \xf0\x9f\x98\x80";
		char broken[] = "x\xe0\x9b\x80y\xc3z";
		int ctl;

		is_str(text_sanitize(c1), "a?31mb?1mc?d?",
		    "C1 controls (U+009B CSI, raw 0x9b and 0x85) become one "
		    "'?' each");
		is_str(text_sanitize(utf),
		    "gr\xc3\xbc\xc3\x9f \xe2\x80\x9b \xf0\x9f\x98\x80",
		    "UTF-8 whose continuation bytes are 0x80..0x9f is kept");
		is_str(text_sanitize(broken), "x\xe0??y\xc3z",
		    "a broken sequence: its 0x80..0x9f bytes are C1 controls");
		ok(text_char("\xc2\x9b", &ctl) == 2 && ctl,
		    "text_char: U+009B is one two-byte control");
		ok(text_char("\xc2\xa0", &ctl) == 2 && !ctl,
		    "text_char: U+00A0 is no control");
		ok(text_char("", &ctl) == 1 && !ctl,
		    "text_char: the NUL is no control");
	}
	buf_free(&b);
	return done_testing();
}
