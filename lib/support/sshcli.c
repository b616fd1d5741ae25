/*
 * sshcli.c -- the SSH commands' common setup.  See sshcli.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sshcli.h"

void
sshcli_open(struct sshcli *s, struct px_cli *x)
{
	struct px_err e = { 0 };
	struct px_reply r = { 0 };

	memset(s, 0, sizeof(*s));
	s->x = x;
	if (cli_connect(x, &e) != 0)
		px_die(&e);
	if (ssh_conf_load(&x->conf, &s->sc, &e) != 0)
		px_die(&e);
	if (pve_get(x->client, &r, &e, "/cluster/status") != 0 ||
	    pve_cluster_status_parse(&r.j, r.data, &s->members, &s->nmembers,
	    &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	s->pool = ssh_pool_new(&x->conf, &s->sc);
	for (int i = 0; i < s->nmembers; i++)
		if (strcmp(s->members[i].type, "node") == 0)
			ssh_pool_hint(s->pool, s->members[i].name,
			    s->members[i].ip);
}

static int
is_node(const struct sshcli *s, const char *name)
{
	for (int i = 0; i < s->nmembers; i++)
		if (strcmp(s->members[i].type, "node") == 0 &&
		    strcmp(s->members[i].name, name) == 0)
			return i;
	return -1;
}

void
sshcli_pick(struct sshcli *s, char **want, int n)
{
	if (n > 0) {
		for (int i = 0; i < n; i++) {
			if (is_node(s, want[i]) < 0) {
				struct px_err e = { 0 };

				px_fail(&e, PXE_NOT_FOUND, "no node %s in the "
				    "cluster", want[i]);
				px_hint(&e, "px ls nodes lists them");
				px_die(&e);
			}
			sshcli_add_node(&s->nodes, &s->nnodes, want[i]);
		}
		return;
	}
	for (int i = 0; i < s->nmembers; i++)
		if (strcmp(s->members[i].type, "node") == 0)
			sshcli_add_node(&s->nodes, &s->nnodes,
			    s->members[i].name);
}

int
sshcli_online(const struct sshcli *s, const char *node)
{
	int i = is_node(s, node);

	return i >= 0 && s->members[i].online;
}

void
sshcli_add_node(char ***v, int *n, const char *node)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*v)[i], node) == 0)
			return;
	*v = px_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = px_xstrdup(node);
}

void
sshcli_free(struct sshcli *s)
{
	ssh_pool_free(s->pool);
	ssh_conf_free(&s->sc);
	free(s->members);
	for (int i = 0; i < s->nnodes; i++)
		free(s->nodes[i]);
	free(s->nodes);
	memset(s, 0, sizeof(*s));
}
