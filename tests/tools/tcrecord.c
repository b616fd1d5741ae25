/*
 * tcrecord -- the tests' hook into the time-travel cache: one refresh of
 * the profile's cluster, read and parsed as pxtop reads it (the same
 * four GETs and parsers) and recorded with tcache_record (lib/tcache.h)
 * as if seen at EPOCH, so that a test can lay down refreshes hours
 * apart in seconds.  The cache is the profile's, where pxtop writes.
 *
 *     tcrecord PROFILE EPOCH
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "tcache.h"

static void
get(struct px_cli *x, const char *path, struct px_reply *r)
{
	struct px_err e;

	if (pve_get(x->client, r, &e, "%s", path) != 0)
		exit(px_report(&e));
}

int
main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e;
	struct px_reply r[4];
	struct tcache_frame f = { 0 };
	struct tcache_limits lim;
	struct tcache *tc;
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: tcrecord profile epoch\n");
		return 2;
	}
	px_progname = "tcrecord";
	cli_init(&x);
	x.profile = argv[1];
	if (cli_connect(&x, &e) != 0)
		return px_report(&e);
	get(&x, "/nodes", &r[0]);
	get(&x, "/cluster/resources?type=vm", &r[1]);
	get(&x, "/cluster/resources?type=storage", &r[2]);
	get(&x, "/cluster/tasks", &r[3]);
	if (pve_nodes_parse(&r[0].j, r[0].data, &f.nodes, &f.nnodes, &e) ||
	    pve_guests_parse(&r[1].j, r[1].data, NULL, NULL, &f.guests,
	    &f.nguests, &e) ||
	    pve_storages_parse(&r[2].j, r[2].data, &f.storages, &f.nstorages,
	    &e) ||
	    pve_tasks_parse(&r[3].j, r[3].data, &f.tasks, &f.ntasks, &e))
		return px_report(&e);
	f.time = atoll(argv[2]);
	f.have = TC_ALL;
	if (tcache_limits(&x.conf, &lim, &e) != 0 ||
	    tcache_path(x.p->name, path, sizeof(path), &e) != 0 ||
	    (tc = tcache_open(path, &lim, 1, &e)) == NULL ||
	    tcache_record(tc, &f, &e) != 0)
		return px_report(&e);
	tcache_close(tc);
	tcache_frame_free(&f);
	for (int i = 0; i < 4; i++)
		px_reply_free(&r[i]);
	cli_free(&x);
	return 0;
}
