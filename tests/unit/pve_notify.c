/* pve_notify.c -- the checks of notification parameters (pve_notify.h)
 * and the account an ACME node property names (pve_objrisk_notify.h). */
#include <stdio.h>
#include <string.h>

#include "pve_notify.h"
#include "pve_objrisk_notify.h"
#include "tap.h"

int
main(void)
{
	char acct[64];

	ok(pve_notify_valid_name("mail-to-root"), "a builtin name");
	ok(pve_notify_valid_name("a1_b-C"), "letters, digits, - and _");
	ok(!pve_notify_valid_name("a"), "one character is too short");
	ok(!pve_notify_valid_name("1abc"), "a digit first");
	ok(!pve_notify_valid_name("-abc"), "a dash first");
	ok(!pve_notify_valid_name("a/b"), "a slash");
	ok(!pve_notify_valid_name("a b"), "a space");
	ok(!pve_notify_valid_name(""), "empty");
	ok(!pve_notify_valid_name("a234567890123456789012345678901234567890"
	    "12345678901234567890123456"), "longer than 64");

	ok(pve_notify_valid_severity("error"), "one severity");
	ok(pve_notify_valid_severity("info,notice,warning,error,unknown"),
	    "all of them");
	ok(!pve_notify_valid_severity("err"), "a prefix is not one");
	ok(!pve_notify_valid_severity("error,"), "a trailing comma");
	ok(!pve_notify_valid_severity(""), "empty");
	ok(!pve_notify_valid_severity("critical"), "not PVE's");

	ok(pve_notify_valid_field("exact:type=vzdump"), "exact:");
	ok(pve_notify_valid_field("regex:hostname=^pve[0-9]$"), "regex:");
	ok(pve_notify_valid_field("type=vzdump"), "no prefix");
	ok(!pve_notify_valid_field("exact:=x"), "no field");
	ok(!pve_notify_valid_field("type"), "no value");

	objrisk_acme_account_of("account=prod,domains=a.example", acct,
	    sizeof(acct));
	is_str(acct, "prod", "account= first");
	objrisk_acme_account_of("domains=a.example;b.example,account=le2",
	    acct, sizeof(acct));
	is_str(acct, "le2", "account= after the domains");
	objrisk_acme_account_of("domains=a.example", acct, sizeof(acct));
	is_str(acct, "default", "no account=: PVE's default");
	return done_testing();
}
