/*
 * guest_misc.c -- a VM's cloud-init drive (GET/PUT .../cloudinit, the
 * pending view, /cloudinit/dump), sendkey, unlink; a node's suspendall;
 * the RRD graphs (/rrd: a file name in JSON, the PNG itself under
 * /api2/png); and the HA manager moving a guest it was asked to migrate.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "guest.h"
#include "json.h"

/* ---- cloud-init ---- */

/* The keys the cloud-init drive is generated from (ipconfigN too). */
static int
ci_key(const char *k)
{
	static const char *const keys[] = { "cipassword", "citype",
	    "ciupgrade", "ciuser", "nameserver", "searchdomain", "sshkeys",
	    NULL };

	if (strncmp(k, "ipconfig", 8) == 0 && k[8] >= '0' && k[8] <= '9')
		return 1;
	for (int i = 0; keys[i]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

/* PVE's checks of the cloud-init keys of a config change: sshkeys is
 * URL-encoded (pve-verify-urlencoded), citype an enum, ipconfigN a
 * property string of gw, gw6, ip, ip6.  -1 with the 400 in rs. */
int
g_ci_check(struct sim_resp *rs, const char *k, const char *v)
{
	if (strcmp(k, "sshkeys") == 0) {
		for (const char *p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-%_.!~*'()",
			    *p)) {
				sim_param_error(rs, k, "invalid urlencoded string");
				return -1;
			}
		return 0;
	}
	if (strcmp(k, "citype") == 0 && strcmp(v, "nocloud") != 0 &&
	    strcmp(v, "configdrive2") != 0 && strcmp(v, "opennebula") != 0) {
		sim_param_errorf(rs, k, "value '%s' does not have a value in "
		    "the enumeration 'configdrive2, nocloud, opennebula'", v);
		return -1;
	}
	if (strncmp(k, "ipconfig", 8) == 0) {
		char tmp[512], *tok, *save = NULL;

		snprintf(tmp, sizeof(tmp), "%s", v);
		for (tok = strtok_r(tmp, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');

			if (eq == NULL || ((eq - tok != 2 ||
			    strncmp(tok, "ip", 2)) && (eq - tok != 3 ||
			    (strncmp(tok, "ip6", 3) && strncmp(tok, "gw6", 3)))
			    && (eq - tok != 2 || strncmp(tok, "gw", 2)))) {
				sim_param_errorf(rs, k, "invalid format - "
				    "format error\n%s: property is not defined "
				    "in schema", tok);
				return -1;
			}
			for (const char *p = eq + 1; *p; p++)
				if (!isalnum((unsigned char)*p) &&
				    !strchr(".:/", *p)) {
					sim_param_errorf(rs, k, "invalid format "
					    "- format error\n%.*s: invalid "
					    "format", (int)(eq - tok), tok);
					return -1;
				}
		}
	}
	if (strcmp(k, "ciuser") == 0 || strcmp(k, "searchdomain") == 0 ||
	    strcmp(k, "nameserver") == 0)
		for (const char *p = v; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				sim_param_errorf(rs, k, "value contains a "
				    "control character");
				return -1;
			}
	return 0;
}

/* What the drive was last generated from: the guest's "cloudinit" doc,
 * an object of key -> value; parsed into l. */
static void
ci_generated(struct sim *s, const struct sim_guest *g, struct sim_kvlist *l)
{
	char id[16], *doc;
	struct json j;
	struct px_err e = { 0 };
	int k, i;

	g_idstr(id, sizeof(id), g->vmid);
	if ((doc = sim_doc_get(s, "cloudinit", "", id)) == NULL)
		return;
	if (json_parse(&j, doc, strlen(doc), &e) == 0) {
		JSON_FOREACH_KV(&j, 0, k, i) {
			char *key = json_strdup(&j, k), *val = json_strdup(&j,
			    k + 1);

			if (key && val)
				sim_kv_set(l, key, val);
			free(key);
			free(val);
		}
		json_free(&j);
	}
	free(doc);
}

static int
ci_has_drive(const struct sim_guest *g)
{
	for (size_t i = 0; i < g->config.n; i++)
		if (g_is_disk_key(g->config.v[i].key) &&
		    strstr(g->config.v[i].val, "cloudinit"))
			return 1;
	return 0;
}

/* GET .../cloudinit: each cloud-init key with the value the drive holds
 * and the pending one (or delete) when the config differs. */
GUEST_HANDLER(h_cloudinit_get)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_kvlist gen = { 0 };
	struct jw w;

	if (g == NULL)
		return;
	ci_generated(s, g, &gen);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (size_t i = 0; i < g->config.n; i++) {
		const char *k = g->config.v[i].key, *v = g->config.v[i].val;
		const char *was = sim_kv_get(&gen, k);
		int pw = strcmp(k, "cipassword") == 0;

		if (!ci_key(k))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "key", k);
		if (was)
			jw_kstr(&w, "value", pw ? "**********" : was);
		if (was == NULL || strcmp(was, v) != 0)
			jw_kstr(&w, "pending", pw ? "**********" : v);
		jw_end(&w);
	}
	for (size_t i = 0; i < gen.n; i++) {
		if (sim_guest_cfg(g, gen.v[i].key))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "key", gen.v[i].key);
		jw_kstr(&w, "value", strcmp(gen.v[i].key, "cipassword") == 0 ?
		    "**********" : gen.v[i].val);
		jw_kint(&w, "delete", 1);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	sim_kv_free(&gen);
}

/* PUT .../cloudinit: regenerate the drive from the current config. */
GUEST_HANDLER(h_cloudinit_put)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct buf b = { 0 };
	char id[16];
	int n = 0;

	if (g == NULL || g_check_lock(g, rq, rs) != 0)
		return;
	if (!ci_has_drive(g)) {
		sim_error(rs, 500, "no cloudinit drive found");
		return;
	}
	buf_addc(&b, '{');
	for (size_t i = 0; i < g->config.n; i++) {
		if (!ci_key(g->config.v[i].key))
			continue;
		if (n++)
			buf_addc(&b, ',');
		json_escape(&b, g->config.v[i].key, strlen(g->config.v[i].key));
		buf_addc(&b, ':');
		json_escape(&b, g->config.v[i].val, strlen(g->config.v[i].val));
	}
	buf_addc(&b, '}');
	g_idstr(id, sizeof(id), g->vmid);
	sim_doc_put(s, "cloudinit", "", id, b.p);
	buf_free(&b);
	sim_ok_null(rs);
}

/* Decode PVE's URL-encoded sshkeys into out. */
static void
pct_decode(struct buf *out, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], 0 };

			buf_addc(out, (char)strtol(hex, NULL, 16));
			p += 2;
		} else
			buf_addc(out, *p);
	}
}

/* GET .../cloudinit/dump?type=user|network|meta: the generated YAML. */
GUEST_HANDLER(h_cloudinit_dump)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *type = sim_param(rq, "type"), *v;
	struct buf y = { 0 };
	struct jw w;

	if (g == NULL || sim_param_require(rq, rs, "type", NULL) != 0)
		return;
	if (strcmp(type, "user") && strcmp(type, "network") &&
	    strcmp(type, "meta")) {
		sim_param_errorf(rs, "type", "value '%s' does not have a value "
		    "in the enumeration 'user, network, meta'", type);
		return;
	}
	if (strcmp(type, "user") == 0) {
		buf_printf(&y, "#cloud-config\nhostname: %s\nmanage_etc_hosts: "
		    "true\nfqdn: %s\n", g->name ? g->name : "vm", g->name ?
		    g->name : "vm");
		if ((v = sim_guest_cfg(g, "ciuser")))
			buf_printf(&y, "user: %s\n", v);
		if (sim_guest_cfg(g, "cipassword"))
			buf_adds(&y, "password: $5$px$simulated\n");
		if ((v = sim_guest_cfg(g, "sshkeys"))) {
			struct buf k = { 0 };
			char *save = NULL;

			pct_decode(&k, v);
			buf_adds(&y, "ssh_authorized_keys:\n");
			for (char *l = strtok_r(k.p ? k.p : (char *)"", "\n",
			    &save); l; l = strtok_r(NULL, "\n", &save))
				buf_printf(&y, "  - %s\n", l);
			buf_free(&k);
		}
		buf_adds(&y, "chpasswd:\n  expire: False\n");
		v = sim_guest_cfg(g, "ciupgrade");
		buf_printf(&y, "users:\n  - default\npackage_upgrade: %s\n",
		    v && strcmp(v, "0") == 0 ? "false" : "true");
	} else if (strcmp(type, "network") == 0) {
		buf_adds(&y, "version: 1\nconfig:\n");
		for (int i = 0; i < 32; i++) {
			char key[32], net[32], mac[32] = "";
			const char *nv;

			snprintf(net, sizeof(net), "net%d", i);
			if ((nv = sim_guest_cfg(g, net)) == NULL)
				continue;
			if (strchr(nv, '='))
				snprintf(mac, sizeof(mac), "%.17s", strchr(nv,
				    '=') + 1);
			buf_printf(&y, "    - type: physical\n      name: eth%d\n"
			    "      mac_address: '%s'\n      subnets:\n", i,
			    mac);
			snprintf(key, sizeof(key), "ipconfig%d", i);
			v = sim_guest_cfg(g, key);
			if (v == NULL || strstr(v, "ip=dhcp"))
				buf_adds(&y, "      - type: dhcp4\n");
			else {
				char ip[64] = "", gw[64] = "";

				g_prop(v, "ip", ip, sizeof(ip));
				g_prop(v, "gw", gw, sizeof(gw));
				if (ip[0])
					buf_printf(&y, "      - type: static\n"
					    "        address: '%s'\n", ip);
				if (ip[0] && gw[0])
					buf_printf(&y, "        gateway: '%s'\n",
					    gw);
			}
		}
		if ((v = sim_guest_cfg(g, "nameserver")))
			buf_printf(&y, "    - type: nameserver\n      address:\n"
			    "      - '%s'\n", v);
		if ((v = sim_guest_cfg(g, "searchdomain")))
			buf_printf(&y, "      search:\n      - '%s'\n", v);
	} else {
		buf_printf(&y, "instance-id: %016llx\n", (unsigned long long)
		    sim_hash(s, (uint64_t)g->vmid, 77));
	}
	sim_ok_begin(rs, &w);
	jw_str(&w, y.p ? y.p : "");
	sim_ok_end(rs, &w);
	buf_free(&y);
}

/* ---- sendkey ---- */

/* QEMU's QKeyCode names (qapi/ui.json), which PVE passes through. */
static int
qemu_key(const char *k, size_t n)
{
	static const char *const names[] = { "shift", "shift_r", "alt",
	    "alt_r", "ctrl", "ctrl_r", "menu", "esc", "minus", "equal",
	    "backspace", "tab", "bracket_left", "bracket_right", "ret",
	    "semicolon", "apostrophe", "grave_accent", "backslash", "comma",
	    "dot", "slash", "asterisk", "spc", "caps_lock", "num_lock",
	    "scroll_lock", "sysrq", "less", "print", "home", "pgup", "pgdn",
	    "end", "left", "up", "down", "right", "insert", "delete", "stop",
	    "again", "props", "undo", "front", "copy", "open", "paste",
	    "find", "cut", "lf", "help", "meta_l", "meta_r", "compose",
	    "pause", "ro", "hiragana", "henkan", "yen", "muhenkan",
	    "katakanahiragana", "kp_comma", "kp_equals", "power", "sleep",
	    "wake", "audionext", "audioprev", "audiostop", "audioplay",
	    "audiomute", "volumeup", "volumedown", "mediaselect", "mail",
	    "calculator", "computer", "ac_home", "ac_back", "ac_forward",
	    "ac_refresh", "ac_bookmarks", "lang1", "lang2", "kp_divide",
	    "kp_multiply", "kp_subtract", "kp_add", "kp_enter", "kp_decimal",
	    NULL };
	char w[32];

	if (n == 0 || n >= sizeof(w))
		return 0;
	memcpy(w, k, n);
	w[n] = '\0';
	if (n == 1 && (isdigit((unsigned char)w[0]) ||
	    islower((unsigned char)w[0])))
		return 1;
	if ((w[0] == 'f' && n <= 3 && isdigit((unsigned char)w[1]) &&
	    atoi(w + 1) >= 1 && atoi(w + 1) <= 24 && (n == 2 ||
	    isdigit((unsigned char)w[2]))) || (strncmp(w, "kp_", 3) == 0 &&
	    n == 4 && isdigit((unsigned char)w[3])))
		return 1;
	for (int i = 0; names[i]; i++)
		if (strcmp(w, names[i]) == 0)
			return 1;
	return 0;
}

GUEST_HANDLER(h_sendkey)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *key = sim_param(rq, "key"), *p, *dash;

	if (g == NULL || sim_param_require(rq, rs, "key", NULL) != 0)
		return;
	if (g_check_lock(g, rq, rs) != 0)
		return;
	for (p = key;; p = dash + 1) {
		dash = strchr(p, '-');
		if (!qemu_key(p, dash ? (size_t)(dash - p) : strlen(p))) {
			sim_error(rs, 500, "VM %d qmp command 'send-key' failed "
			    "- Parameter 'keys' does not accept value '%.*s'",
			    g->vmid, dash ? (int)(dash - p) : (int)strlen(p), p);
			return;
		}
		if (dash == NULL)
			break;
	}
	if (g->status == SIM_STOPPED) {
		sim_error(rs, 500, "VM %d not running", g->vmid);
		return;
	}
	sim_ok_null(rs);
}

/* ---- unlink ---- */

GUEST_HANDLER(h_unlink)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *ids = sim_param(rq, "idlist");
	int force = sim_param_bool(rq, "force", 0);
	char *copy, *tok, *save = NULL;

	if (g == NULL || sim_param_require(rq, rs, "idlist", NULL) != 0)
		return;
	if (g_check_lock(g, rq, rs) != 0)
		return;
	copy = px_xstrdup(ids);
	for (tok = strtok_r(copy, ",; ", &save); tok;
	    tok = strtok_r(NULL, ",; ", &save)) {
		if (!g_is_disk_key(tok) || sim_guest_cfg(g, tok) == NULL) {
			const char *p = tok;

			while (isalnum((unsigned char)*p))
				p++;
			if (*p) {
				sim_param_errorf(rs, "idlist", "invalid format "
				    "- invalid configuration ID '%s'", tok);
				free(copy);
				return;
			}
		}
	}
	free(copy);
	copy = px_xstrdup(ids);
	save = NULL;
	for (tok = strtok_r(copy, ",; ", &save); tok;
	    tok = strtok_r(NULL, ",; ", &save)) {
		const char *val = sim_guest_cfg(g, tok);
		char volid[256], key[32];
		struct sim_volume *v;

		if (val == NULL || !g_is_disk_key(tok))
			continue;	/* PVE skips what is not there */
		g_disk_volid(val, volid, sizeof(volid));
		v = volid[0] ? sim_volume_find(s, volid, sim_guest_node(s, g))
		    : NULL;
		if (force || strncmp(tok, "unused", 6) == 0 || !volid[0] ||
		    strcmp(volid, "none") == 0 || strstr(val, "media=cdrom")) {
			if (v && !strstr(val, "media=cdrom"))
				sim_volume_remove(s, volid, v->node);
		} else {
			int n = 0;

			do
				snprintf(key, sizeof(key), "unused%d", n++);
			while (sim_guest_cfg(g, key) && n < 256);
			sim_kv_set(&g->config, key, volid);
		}
		sim_kv_del(&g->config, tok);
	}
	free(copy);
	g_sync_fields(g);
	sim_guest_save(s, g);
	sim_ok_null(rs);
}

/* ---- suspendall ---- */

static void
suspendall_done(struct sim *s, struct sim_task *t)
{
	const char *vms = t->arg;

	for (size_t i = 0; i < s->nguests; i++) {
		struct sim_guest *g = s->guests[i];
		char v[16];

		snprintf(v, sizeof(v), "%d", g->vmid);
		if (strcmp(sim_guest_node(s, g), t->node) != 0 ||
		    g->type != SIM_QEMU || g->status == SIM_STOPPED)
			continue;
		if (vms && !g_list_has(vms, v))
			continue;
		/* to disk, as PVE's suspendall does: stopped, locked */
		sim_task_log(t, "Suspending VM %d", g->vmid);
		g->status = SIM_STOPPED;
		sim_str_set(&g->lock, "suspended");
		sim_kv_set(&g->config, "lock", "suspended");
		sim_guest_save(s, g);
	}
}

GUEST_HANDLER(h_node_suspendall)
{
	const char *vms = sim_param(rq, "vms");
	struct sim_task *t;

	if (vms) {
		for (const char *p = vms; *p; p++)
			if (!isdigit((unsigned char)*p) && !strchr(",; ", *p)) {
				sim_param_errorf(rs, "vms", "value '%s' does not "
				    "look like a valid VM ID list", vms);
				return;
			}
	}
	if (sim_param(rq, "max-workers") && sim_param_int(rq, "max-workers",
	    0) < 1) {
		sim_param_error(rs, "max-workers", "value must have a minimum "
		    "value of 1");
		return;
	}
	t = sim_task_start(s, sim_var(m, "node"), "suspendall", "",
	    rq->authid, -1, suspendall_done, NULL);
	t->arg = vms ? px_xstrdup(vms) : NULL;
	sim_upid_response(rs, t->upid);
}

/* ---- RRD graphs ---- */

static uint32_t
crc32_png(uint32_t c, const unsigned char *p, size_t n)
{
	c = ~c;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, (const char *)x, 4);
}

static void
png_chunk(struct buf *b, const char *type, const unsigned char *d, size_t n)
{
	uint32_t c;

	put32(b, (uint32_t)n);
	buf_add(b, type, 4);
	if (n)
		buf_add(b, (const char *)d, n);
	c = crc32_png(0, (const unsigned char *)type, 4);
	put32(b, crc32_png(c, d, n));
}

/* A grey-scale PNG, w x h, of the levels (0..1) as a filled curve, its
 * image data in stored (uncompressed) deflate blocks. */
static void
png_graph(struct buf *out, const double *lvl, int w, int h)
{
	size_t rowlen = (size_t)w + 1, raw = rowlen * (size_t)h;
	unsigned char *img = px_xcalloc(raw, 1), hdr[13];
	struct buf z = { 0 };
	uint32_t a = 1, b = 0;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			img[(size_t)y * rowlen + 1 + (size_t)x] =
			    (double)(h - y) / h <= lvl[x] ? 0x40 : 0xf0;
	buf_adds(out, "\x89PNG\r\n\x1a\n");
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = w >> 24; hdr[1] = w >> 16; hdr[2] = w >> 8; hdr[3] = w;
	hdr[4] = h >> 24; hdr[5] = h >> 16; hdr[6] = h >> 8; hdr[7] = h;
	hdr[8] = 8;		/* bit depth */
	hdr[9] = 0;		/* grey */
	png_chunk(out, "IHDR", hdr, 13);
	buf_add(&z, "\x78\x01", 2);
	for (size_t off = 0; off < raw; off += 65535) {
		size_t n = raw - off > 65535 ? 65535 : raw - off;
		unsigned char bh[5] = { off + n == raw, n & 0xff, n >> 8,
		    ~n & 0xff, (~n >> 8) & 0xff };

		buf_add(&z, (const char *)bh, 5);
		buf_add(&z, (const char *)img + off, n);
	}
	for (size_t i = 0; i < raw; i++) {
		a = (a + img[i]) % 65521;
		b = (b + a) % 65521;
	}
	put32(&z, (b << 16) | a);
	png_chunk(out, "IDAT", (const unsigned char *)z.p, z.len);
	png_chunk(out, "IEND", NULL, 0);
	buf_free(&z);
	free(img);
}

/* GET /nodes/{node}/rrd and .../{vmid}/rrd: {"filename": ...} in JSON;
 * under /api2/png the graph itself (what pveproxy's png formatter makes
 * of the file). */
static void
rrd_answer(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    uint64_t key, const char *who)
{
	const char *ds = sim_param(rq, "ds");
	int step, max;
	double lvl[200];
	struct jw w;
	char name[256];

	if (sim_param_require(rq, rs, "ds", "timeframe", NULL) != 0 ||
	    sim_rrd_params(rq, rs, &step, &max) != 0)
		return;
	for (const char *p = ds; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-,; ", *p)) {
			sim_param_errorf(rs, "ds", "invalid format - invalid "
			    "configuration ID '%s'", ds);
			return;
		}
	if (rq->api == SIM_API_PNG) {
		long long now = (long long)sim_now(s);

		for (int i = 0; i < 200; i++)
			lvl[i] = sim_rrd_level(s, key, now - (200 - i) *
			    (long long)step, max);
		buf_reset(&rs->body);
		png_graph(&rs->body, lvl, 200, 80);
		rs->ctype = "image/png";
		return;
	}
	snprintf(name, sizeof(name), "/var/tmp/pve-rrd-%s-%llx.png", who,
	    (unsigned long long)sim_hash(s, key, (uint64_t)step));
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "filename", name);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

GUEST_HANDLER(h_node_rrd)
{
	struct sim_node *n = sim_node_find(s, sim_var(m, "node"));

	if (n == NULL) {
		sim_error(rs, 500, "no such node");
		return;
	}
	rrd_answer(s, rq, rs, 1000000 + (uint64_t)n->nodeid, n->name);
}

GUEST_HANDLER(h_guest_rrd)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	char who[16];

	if (g == NULL)
		return;
	g_idstr(who, sizeof(who), g->vmid);
	rrd_answer(s, rq, rs, (uint64_t)g->vmid, who);
}

GUEST_HANDLER(h_storage_rrd)
{
	const char *st = sim_var(m, "storage");

	rrd_answer(s, rq, rs, 2000000 + sim_hash(s, (uint64_t)strlen(st),
	    (uint64_t)(unsigned char)st[0]) % 1000, st);
}
