/* pve_mapping.c -- resource mappings: the check and normalization of
 * map entries, parsing PVE's answers, which guest config values use a
 * mapping (pve_objrisk_mapping.h), realm types (pve_realm.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "pve_mapping.h"
#include "pve_objrisk_mapping.h"
#include "pve_realm.h"
#include "tap.h"

static const char *
check(const char *type, const char *s)
{
	static char out[8400];
	struct px_err e = { 0 };

	if (pve_mapping_entry_check(type, s, out, sizeof(out), &e) != 0)
		return NULL;
	return out;
}

int
main(void)
{
	static const char *const bad[][2] = {
		{ "pci", "node=pve1,path=0000:01:00.0" },
		{ "pci", "node=pve1,path=1:00.0,id=10de:1b80" },
		{ "pci", "node=pve1,path=0000:01:00.8,id=10de:1b80" },
		{ "pci", "node=pve1,path=0000:01:00.0;,id=10de:1b80" },
		{ "pci", "node=pve1,path=0000:01:00.0,id=10de:1b80,iommugroup=x" },
		{ "usb", "node=pve1,id=1050:0407,path=1" },
		{ "usb", "node=pve1,id=1050:0407,path=1-2." },
		{ "usb", "node=pve1" },
		{ "usb", "node=-x,id=1050:0407" },
		{ "usb", "node=pve1,id=1050:0407,node=pve2" },
		{ "usb", "node=pve1,id=1050:0407,mdev=1" },
		{ "usb", "node=pve1,id=1050:0407,description=a\tb" },
		{ "dir", "node=pve1,path=/srv/.." },
		{ "dir", "node=pve1,path=../srv" },
		{ "dir", "node=pve1,path=/srv//x" },
		{ "dir", "node=pve1,path=/srv/a;b" },
		{ "dir", "node=pve1,path=/srv/x,id=1050:0407" },
		{ "dir", "" },
		{ "nfs", "node=pve1,path=/x" },
	};
	struct pve_mapping_entry en;
	struct pve_mapping *v;
	struct px_err e = { 0 };
	struct json j;
	const char *doc;
	int n, dropped;

	is_str(check("pci", "node=pve1,path=01:00.0,id=10de:1b80"),
	    "node=pve1,path=0000:01:00.0,id=10de:1b80",
	    "a short PCI address gets its domain");
	is_str(check("pci", "node=pve1,path=0000:0A:00,id=10DE:1B80,"
	    "subsystem-id=1043:8704,iommugroup=12,description=left slot"),
	    "node=pve1,path=0000:0a:00,id=10DE:1B80,subsystem-id=1043:8704,"
	    "iommugroup=12,description=left slot",
	    "a whole device, lower case address, every key");
	is_str(check("pci", "node=pve1,path=0000:01:00.1;02:00.1,"
	    "id=8086:1521"), "node=pve1,path=0000:01:00.1;0000:02:00.1,"
	    "id=8086:1521", "several addresses with ';'");
	is_str(check("usb", "node=pve2,id=1050:0407,path=1-2.3"),
	    "node=pve2,id=1050:0407,path=1-2.3", "a USB port");
	is_str(check("usb", "node=pve1,,id=1050:0407"),
	    "node=pve1,id=1050:0407", "an empty part is dropped (as PVE)");
	is_str(check("dir", "node=pve1,path=/srv/my..media"),
	    "node=pve1,path=/srv/my..media", "'..' inside a name is fine");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(check(bad[i][0], bad[i][1]) == NULL, "refused: %s %s",
		    bad[i][0], bad[i][1]);

	ok(pve_mapping_id_ok("gpu-0_a"), "an id");
	ok(!pve_mapping_id_ok("0gpu"), "an id starts with a letter");
	ok(!pve_mapping_id_ok("g"), "an id has two characters or more");
	ok(!pve_mapping_id_ok("g/x"), "no slash in an id");

	ok(pve_mapping_entry_parse("node=pve1,path=0000:01:00.0,id=10de:1b80,"
	    "iommugroup=3,foo=bar", &en) == 0, "an entry parses");
	is_str(en.node, "pve1", "its node");
	is_str(en.iommugroup, "3", "its IOMMU group");
	ok(pve_mapping_entry_parse("path=/x", &en) != 0, "no node: -1");

	doc = "[{\"id\":\"gpu\",\"type\":\"pci\",\"map\":[\"node=pve1,path="
	    "0000:01:00,id=10de:1b80\",7,\"node=pve2,\\u001b[2J\"],\"mdev\":"
	    "\"1\",\"digest\":\"ab\"},1,{\"description\":\"no id\"},{\"id\":"
	    "\"k\",\"map\":\"node=pve1,id=1050:0407\",\"mdev\":null}]";
	ok(json_parse(&j, doc, strlen(doc), &e) == 0, "a listing parses");
	ok(pve_mappings_parse(&j, 0, "pci", &v, &n, &dropped, &e) == 0,
	    "its mappings");
	is_int(n, 2, "two mappings");
	is_int(dropped, 2, "a number and a row without id dropped");
	is_int(v[0].nmap, 2, "a non-string entry skipped");
	ok(strchr(v[0].map[1], '\033') == NULL, "an entry is sanitized");
	is_int(v[0].mdev, 1, "mdev \"1\" is true");
	is_int(v[1].mdev, -1, "mdev null: unset");
	is_int(v[1].nmap, 1, "one entry as a plain string");
	pve_mappings_free(v, n);
	json_free(&j);

	ok(objrisk_mapping_uses("pci", "hostpci0", "mapping=gpu,pcie=1",
	    "gpu"), "hostpci0 mapping=gpu uses gpu");
	ok(!objrisk_mapping_uses("pci", "hostpci0", "mapping=gpu2", "gpu"),
	    "mapping=gpu2 does not use gpu");
	ok(!objrisk_mapping_uses("pci", "hostpci0", "0000:01:00.0", "gpu"),
	    "a host address uses no mapping");
	ok(!objrisk_mapping_uses("pci", "usb0", "mapping=gpu", "gpu"),
	    "a USB key does not use a PCI mapping");
	ok(objrisk_mapping_uses("usb", "usb2", "mapping=key,usb3=1", "key"),
	    "usb2 mapping=key");
	ok(objrisk_mapping_uses("dir", "virtiofs0", "share,cache=auto",
	    "share"), "virtiofs: dirid is the default key");
	ok(objrisk_mapping_uses("dir", "virtiofs1", "cache=auto,dirid=share",
	    "share"), "virtiofs: dirid=");
	ok(!objrisk_mapping_uses("dir", "virtiofs1", "cache=share", "share"),
	    "virtiofs: another key's value is no dirid");

	ok(pve_realm_name_ok("corp.ldap"), "a realm name");
	ok(!pve_realm_name_ok("c"), "too short a realm name");
	ok(!pve_realm_name_ok("1corp"), "a realm name starts with a letter");
	is_int(pve_realm_type_takes("ldap", "server1"), 1, "ldap takes server1");
	is_int(pve_realm_type_takes("openid", "server1"), 0,
	    "openid takes no server1");
	is_int(pve_realm_type_takes("ldap", "frobnicate"), -1,
	    "an unknown key: PVE judges");
	is_str(pve_realm_type_requires("ad")[1], "domain", "ad needs domain");
	ok(pve_realm_builtin("pam") && pve_realm_builtin("pve") &&
	    !pve_realm_builtin("corp"), "the built-in realms");
	return done_testing();
}
