/*
 * risk.c -- the pre-flight risk check (see risk.h for the table).
 *
 * The facts are read in one parallel round: status/current, the last
 * hour of RRD, and for a delete the snapshots and the backup storages'
 * content.  A request that fails does not stop the check: the finding
 * "Unchecked" (Notice) says what could not be read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <time.h>

#include "enc.h"
#include "pve_guest.h"
#include "pve_rrd.h"
#include "risk.h"

#define LONG_UPTIME	(14 * 86400)
#define NET_ACTIVE	(1024.0 * 1024.0)	/* bytes/s in + out */
#define MANY_SNAPSHOTS	5
#define BACKUP_MAX_AGE	(24 * 3600)

static const char *const prod_tags[] = {
	"prod", "production", "prd", "critical", "live", NULL
};

/* Well-known service ports the agent may see listening.  Not 22: nearly
 * every guest runs sshd, and a warning on every guest is no warning. */
static const int service_ports[] = {
	25, 53, 80, 110, 143, 443, 587, 993, 995, 1433, 1521, 3306, 5432,
	6379, 8080, 8443, 9200, 11211, 27017, 0
};

const char *
risk_level_name(enum risk_level l)
{
	switch (l) {
	case RISK_NOTICE:
		return "Notice";
	case RISK_WARNING:
		return "Warning";
	case RISK_SEVERE:
		return "Severe";
	}
	return "";
}

static void
add(struct risk_report *r, const char *check, enum risk_level l,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void
risk_add(struct risk_report *r, const char *check, enum risk_level l,
    const char *fmt, ...)
{
	struct risk_finding *f;
	va_list ap;

	if (l == RISK_SEVERE && r->n == (int)(sizeof(r->f) /
	    sizeof(r->f[0])))
		r->n--;		/* a refusal matters more than the last */
	if (r->n == (int)(sizeof(r->f) / sizeof(r->f[0])))
		return;
	f = &r->f[r->n++];
	snprintf(f->check, sizeof(f->check), "%s", check);
	f->level = l;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	text_sanitize(f->detail);
	if (l > r->worst)
		r->worst = l;
}

static void
add(struct risk_report *r, const char *check, enum risk_level l,
    const char *fmt, ...)
{
	struct risk_finding *f;
	va_list ap;

	if (r->n == (int)(sizeof(r->f) / sizeof(r->f[0])))
		return;
	f = &r->f[r->n++];
	snprintf(f->check, sizeof(f->check), "%s", check);
	f->level = l;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	text_sanitize(f->detail);
	if (l > r->worst)
		r->worst = l;
}

void
risk_add_severe(struct risk_report *r, const char *check,
    const char *detail)
{
	struct risk_finding *f = &r->f[0];

	if (r->n >= (int)(sizeof(r->f) / sizeof(r->f[0])))
		r->n--;		/* the refusal matters more than the last */
	/* first: a list that shows one finding shows the worst */
	memmove(&r->f[1], &r->f[0], (size_t)r->n * sizeof(*f));
	r->n++;
	memset(f, 0, sizeof(*f));
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->detail, sizeof(f->detail), "%s", detail);
	text_sanitize(f->detail);
	f->level = RISK_SEVERE;
	r->worst = RISK_SEVERE;
}

void
risk_bulk(int batch, struct risk_report *r)
{
	risk_bulk_of(batch, "guests", r);
}

void
risk_bulk_of(int batch, const char *what, struct risk_report *r)
{
	if (batch >= 50)
		add(r, "BulkCount", RISK_SEVERE, "%d %s in one operation",
		    batch, what);
	else if (batch >= 10)
		add(r, "BulkCount", RISK_WARNING, "%d %s in one operation",
		    batch, what);
}

static int
is_op(const char *op, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(op, *list) == 0)
			return 1;
	return 0;
}

/* The newest average of netin+netout (bytes/s) in an RRD series; -1
 * when no point has both. */
static double
net_rate(const struct pve_rrd *rrd)
{
	int fin = pve_rrd_field(rrd, "netin"), fout = pve_rrd_field(rrd,
	    "netout");
	double best = -1;

	if (fin < 0 || fout < 0)
		return -1;
	for (int i = 0; i < rrd->npoints; i++) {
		double in = rrd->v[i * rrd->nfields + fin];
		double out = rrd->v[i * rrd->nfields + fout];

		if (!isnan(in) && !isnan(out))
			best = in + out;	/* the last point with data */
	}
	return best;
}

/*
 * Listening TCP ports in /proc/net/tcp{,6} text: the local address is the
 * second field (HEXIP:HEXPORT), the state the fourth (0A is LISTEN).
 * Appends well-known service ports to out.
 */
static void
ports_from_proc(const char *text, char *out, size_t n)
{
	for (const char *l = text; l && *l; ) {
		const char *nl = strchr(l, '\n');
		char local[64], state[8];
		unsigned port;

		if (sscanf(l, " %*[^:]: %63s %*s %7s", local, state) == 2 &&
		    strcmp(state, "0A") == 0) {
			char *colon = strrchr(local, ':');

			if (colon && sscanf(colon + 1, "%x", &port) == 1) {
				for (int q = 0; service_ports[q]; q++) {
					char tok[16];

					if ((int)port != service_ports[q])
						continue;
					snprintf(tok, sizeof(tok), "%u", port);
					if (strstr(out, tok) == NULL &&
					    strlen(out) + strlen(tok) + 3 < n) {
						if (out[0])
							strcat(out, ", ");
						strcat(out, tok);
					}
				}
			}
		}
		l = nl ? nl + 1 : NULL;
	}
}

/*
 * Ask the guest agent which services listen, for operations that take
 * them away.  It reads /proc/net/tcp and tcp6 through the agent's
 * file-read, a GET: nothing is run or written in the guest.  Best effort:
 * an agent that is absent or refuses gives no finding.
 */
static void
check_listening(struct px_client *c, const struct pve_guest *g,
    const char *base, struct risk_report *r)
{
	static const char *const files[] = { "%2Fproc%2Fnet%2Ftcp",
	    "%2Fproc%2Fnet%2Ftcp6" };
	struct px_call k[2];
	char ports[128] = "";

	for (int i = 0; i < 2; i++)
		px_call_init(&k[i], c, "GET", NULL, "%s/agent/file-read?file=%s",
		    base, files[i]);
	px_call_run(k, 2);
	for (int i = 0; i < 2; i++) {
		struct pve_agent_file f;
		struct px_reply rep;
		struct px_err e;

		if (k[i].rc != 0 || px_reply_take(&k[i], &rep, &e) != 0)
			continue;
		if (pve_agent_file_parse(&rep.j, rep.data, &f, &e) == 0) {
			ports_from_proc(f.content, ports, sizeof(ports));
			pve_agent_file_free(&f);
		}
		px_reply_free(&rep);
	}
	for (int i = 0; i < 2; i++)
		px_call_free(&k[i]);
	if (ports[0])
		add(r, "ListeningOnService", RISK_WARNING, "VM %d listens on "
		    "port %s", g->vmid, ports);
}

int
risk_check(struct px_client *c, const struct pve_guest *g, const char *op,
    int batch, struct risk_report *r, struct px_err *e)
{
	static const char *const takes_down[] = { "stop", "shutdown",
	    "reboot", "suspend", "delete", "migrate", "rollback", "evacuate",
	    NULL };
	static const char *const ha_severe[] = { "stop", "delete", NULL };
	/* px node evacuate moves an HA-managed guest through HA itself */
	static const char *const through_ha[] = { "evacuate", NULL };
	/* px unlink --force (or of an unusedN): the volume is gone */
	static const char *const destroys_volume[] = { "unlink-destroy",
	    NULL };
	struct buf base = { 0 };
	struct px_call k[3];
	struct px_reply rep;
	struct px_err pe;
	int n = 0, del = strcmp(op, "delete") == 0, running, agent = 0;
	long long uptime = 0;
	char lock[32] = "", ha[32] = "";

	(void)e;
	memset(r, 0, sizeof(*r));
	risk_bulk(batch, r);
	if (g == NULL)
		return 0;
	buf_adds(&base, "/nodes/");
	url_seg(&base, g->node);
	buf_printf(&base, "/%s/%d", g->type, g->vmid);

	px_call_init(&k[n++], c, "GET", NULL, "%s/status/current", base.p);
	px_call_init(&k[n++], c, "GET", NULL,
	    "%s/rrddata?timeframe=hour&cf=AVERAGE", base.p);
	if (del)
		px_call_init(&k[n++], c, "GET", NULL, "%s/snapshot", base.p);
	px_call_run(k, (size_t)n);

	/* status/current: lock, HA, running, uptime, agent */
	running = strcmp(g->status, "running") == 0;
	uptime = g->uptime;
	snprintf(lock, sizeof(lock), "%s", g->lock);
	snprintf(ha, sizeof(ha), "%s", g->hastate);
	if (k[0].rc == 0 && px_reply_take(&k[0], &rep, &pe) == 0) {
		struct pve_guest_status s;

		if (pve_guest_status_parse(&rep.j, rep.data, &s, &pe) == 0) {
			/* PVE sends status and uptime together */
			if (s.status[0]) {
				running = strcmp(s.status, "running") == 0;
				uptime = s.uptime;
			}
			snprintf(lock, sizeof(lock), "%s", s.lock);
			if (s.ha_managed)
				snprintf(ha, sizeof(ha), "%s", s.ha_state[0] ?
				    s.ha_state : "managed");
			agent = s.agent > 0;
		} else {
			add(r, "Unchecked", RISK_NOTICE, "status of VM %d: %s",
			    g->vmid, pe.msg);
		}
		px_reply_free(&rep);
	} else {
		add(r, "Unchecked", RISK_NOTICE, "status of VM %d: %s", g->vmid,
		    k[0].rc != 0 ? k[0].err.msg : pe.msg);
	}
	if (lock[0])
		add(r, "Locked", RISK_SEVERE, "VM %d is locked (%s)", g->vmid,
		    lock);
	if (ha[0] && !is_op(op, through_ha))
		add(r, "HaManaged", is_op(op, ha_severe) ? RISK_SEVERE :
		    RISK_WARNING, "VM %d is HA-managed (%s): HA may undo or "
		    "fight this %s", g->vmid, ha, op);
	if (is_op(op, destroys_volume))
		add(r, "DestroysVolume", RISK_SEVERE, "VM %d: the volumes of "
		    "the disks unlinked are destroyed, not detached", g->vmid);
	if (del && running)
		add(r, "Running", RISK_SEVERE, "VM %d is running", g->vmid);
	if (is_op(op, takes_down) && running && uptime >= LONG_UPTIME)
		add(r, "LongUptime", RISK_NOTICE, "VM %d has run for %lld "
		    "days", g->vmid, uptime / 86400);
	for (int i = 0; prod_tags[i]; i++)
		if (pve_has_tag(g->tags, prod_tags[i])) {
			add(r, "TaggedProd", RISK_WARNING, "VM %d is tagged "
			    "'%s'", g->vmid, prod_tags[i]);
			break;
		}

	/* RRD: network traffic in the last minutes */
	if (running && is_op(op, takes_down) && k[1].rc == 0 &&
	    px_reply_take(&k[1], &rep, &pe) == 0) {
		struct pve_rrd rrd;

		if (pve_rrd_parse(&rep.j, rep.data, &rrd, &pe) == 0) {
			double rate = net_rate(&rrd);

			if (rate >= NET_ACTIVE)
				add(r, "ActiveNetTraffic", RISK_WARNING,
				    "VM %d moves %.1f MiB/s on its network",
				    g->vmid, rate / 1048576.0);
			pve_rrd_free(&rrd);
		}
		px_reply_free(&rep);
	}

	/* delete: snapshots and backups */
	if (del && k[2].rc == 0 && px_reply_take(&k[2], &rep, &pe) == 0) {
		struct pve_snapshot *s;
		int ns;

		if (pve_snapshots_parse(&rep.j, rep.data, &s, &ns, &pe) == 0) {
			if (ns > MANY_SNAPSHOTS)
				add(r, "HasManySnapshots", RISK_WARNING,
				    "VM %d has %d snapshots", g->vmid, ns);
			free(s);
		}
		px_reply_free(&rep);
	}
	if (del) {
		struct pve_storage *st;
		long long newest = 0;
		int nst;

		if (pve_storages(c, &st, &nst, &pe) == 0) {
			for (int i = 0; i < nst; i++) {
				struct pve_volume *v;
				int nv, dup = 0;

				if (!strstr(st[i].content, "backup") ||
				    strcmp(st[i].status, "available") != 0)
					continue;
				for (int z = 0; z < i && st[i].shared; z++)
					dup |= !strcmp(st[z].storage,
					    st[i].storage);
				if (dup)
					continue;
				struct buf p = { 0 };

				buf_adds(&p, "/nodes/");
				url_seg(&p, st[i].node);
				buf_adds(&p, "/storage/");
				url_seg(&p, st[i].storage);
				buf_printf(&p, "/content?content=backup&vmid=%d",
				    g->vmid);
				if (pve_get(c, &rep, &pe, "%s", p.p) == 0) {
					if (pve_volumes_parse(&rep.j, rep.data,
					    NULL, NULL, &v, &nv, &pe) == 0) {
						for (int q = 0; q < nv; q++)
							if (v[q].vmid == g->vmid &&
							    v[q].ctime > newest)
								newest = v[q].ctime;
						free(v);
					}
					px_reply_free(&rep);
				}
				buf_free(&p);
			}
			free(st);
			if (newest == 0)
				add(r, "NoBackupFound", RISK_NOTICE, "VM %d has "
				    "no backup on any backup storage", g->vmid);
			else if (time(NULL) - newest > BACKUP_MAX_AGE)
				add(r, "NoRecentBackup", RISK_WARNING, "the "
				    "newest backup of VM %d is %lld hours old",
				    g->vmid, (long long)(time(NULL) - newest) /
				    3600);
		}
	}

	if (running && agent && strcmp(g->type, "qemu") == 0 &&
	    is_op(op, takes_down))
		check_listening(c, g, base.p, r);
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	buf_free(&base);
	return 0;
}

void
risk_print(const struct risk_report *r, const char *what, FILE *f)
{
	for (int i = 0; i < r->n; i++)
		fprintf(f, "%s: risk: %-7s %-18s %s%s\n", what,
		    risk_level_name(r->f[i].level), r->f[i].check,
		    r->f[i].detail, r->f[i].level != RISK_SEVERE ? "" :
		    /* px deletes no running guest, --allow-risk or not */
		    strcmp(r->f[i].check, "Running") == 0 ?
		    " (refused: stop it first)" :
		    " (refused without --allow-risk)");
}
