/* exporter.c -- label values as the text format 0.0.4 wants them, and
 * the loopback rule's address test. */
#include <stdlib.h>

#include "exporter.h"
#include "tap.h"

static const char *
lv(const char *s)
{
	static struct buf b;

	buf_reset(&b);
	exporter_label_value(&b, s);
	return buf_str(&b);
}

int
main(void)
{
	is_str(lv("web-01"), "web-01", "plain text is kept");
	is_str(lv("a\"b"), "a\\\"b", "a double quote is escaped");
	is_str(lv("a\\b"), "a\\\\b", "a backslash is escaped");
	is_str(lv("a\nb"), "a\\nb", "a newline is escaped as \\n");
	is_str(lv("\\n"), "\\\\n", "a backslash before n stays two characters");
	is_str(lv("a\rb\tc\033[31m"), "a?b?c?[31m",
	    "other controls (CR, tab, ESC) become ?");
	is_str(lv("a\x7f"), "a?", "DEL becomes ?");
	is_str(lv("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "well-formed UTF-8 (2, 3 and 4 bytes) is kept");
	is_str(lv("a\xffz"), "a?z", "a byte that is never UTF-8 becomes ?");
	is_str(lv("a\xc3z"), "a?z", "a cut sequence becomes ?");
	is_str(lv("\xe2\x82"), "??", "a cut sequence at the end");
	is_str(lv("\xc0\xaf"), "??", "an overlong form is refused");
	is_str(lv("\xe0\x80\xaf"), "?", "an overlong 3-byte form is refused");
	is_str(lv("\xed\xa0\x80"), "?", "a surrogate is refused");
	is_str(lv("\xf4\x90\x80\x80"), "?", "beyond U+10FFFF is refused");
	is_str(lv("\xc2\x9b" "31m"), "?31m", "a C1 control (CSI) becomes ?");
	is_str(lv(""), "", "empty stays empty");

	is_int(exporter_addr_loopback("127.0.0.1:9221"), 1, "127.0.0.1 is loopback");
	is_int(exporter_addr_loopback("127.1.2.3:0"), 1, "127/8 is loopback");
	is_int(exporter_addr_loopback("[::1]:9221"), 1, "::1 is loopback");
	is_int(exporter_addr_loopback("[::ffff:127.0.0.1]:9221"), 1,
	    "v4-mapped 127.0.0.1 is loopback");
	is_int(exporter_addr_loopback("0.0.0.0:9221"), 0, "0.0.0.0 is not");
	is_int(exporter_addr_loopback("10.0.0.1:9221"), 0, "10.0.0.1 is not");
	is_int(exporter_addr_loopback("[::]:9221"), 0, ":: is not");
	is_int(exporter_addr_loopback("128.0.0.1:9221"), 0, "128.0.0.1 is not");
	is_int(exporter_addr_loopback("localhost:9221"), -1,
	    "a name is refused (numeric only)");
	is_int(exporter_addr_loopback("127.0.0.1"), -1, "no port");
	is_int(exporter_addr_loopback("127.0.0.1:99999"), -1, "port > 65535");
	is_int(exporter_addr_loopback("127.0.0.1:9x"), -1, "port not a number");
	is_int(exporter_addr_loopback("::1:9221"), -1, "v6 without brackets");
	is_int(exporter_addr_loopback("[::1]9221"), -1, "no colon after ]");
	return done_testing();
}
