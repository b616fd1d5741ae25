/* pve_agent.c -- answers of the QEMU guest agent (pve_agent.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_agent.h"
#include "pve_field.h"

int
pve_agent_result(const struct json *j, int t, struct px_err *e)
{
	int r, er;

	if (json_type(j, t) != JSON_OBJECT ||
	    (r = json_get(j, t, "result")) < 0)
		return px_fail(e, PXE_PARSE, "guest agent: no result in the "
		    "answer");
	if (json_type(j, r) == JSON_OBJECT && (er = json_get(j, r,
	    "error")) >= 0) {
		char msg[256] = "";
		int d = json_type(j, er) == JSON_OBJECT ? json_get(j, er,
		    "desc") : er;

		json_strcpy(j, d, msg, sizeof(msg));
		text_sanitize(msg);
		return px_fail(e, PXE_FAILURE, "guest agent: %s", msg[0] ? msg :
		    "an error");
	}
	return r;
}

static void
str(const struct json *j, int obj, const char *key, char *out, size_t n)
{
	if (json_strcpy(j, json_get(j, obj, key), out, n) < 0)
		out[0] = '\0';
	text_sanitize(out);
}

int
pve_agent_fsinfo_parse(const struct json *j, int t, struct pve_agent_fs **out,
    int *n, struct px_err *e)
{
	struct pve_agent_fs *v;
	int r, c, i, k = 0;

	*out = NULL;
	*n = 0;
	if ((r = pve_agent_result(j, t, e)) < 0)
		return -1;
	if (json_type(j, r) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest agent fsinfo: not a list");
	v = px_xcalloc((size_t)json_len(j, r) + 1, sizeof(*v));
	JSON_FOREACH(j, r, c, i) {
		struct pve_agent_fs *x = &v[k];
		int d, q, dt;

		if (json_type(j, c) != JSON_OBJECT) {
			pve_row_drop(j, "agent fsinfo", i, "not an object");
			continue;
		}
		str(j, c, "name", x->name, sizeof(x->name));
		str(j, c, "mountpoint", x->mountpoint, sizeof(x->mountpoint));
		str(j, c, "type", x->type, sizeof(x->type));
		x->total = json_get(j, c, "total-bytes") >= 0 ?
		    json_get_int(j, c, "total-bytes", -1) : -1;
		x->used = json_get(j, c, "used-bytes") >= 0 ?
		    json_get_int(j, c, "used-bytes", -1) : -1;
		d = json_get(j, c, "disk");
		if (json_type(j, d) == JSON_ARRAY)
			JSON_FOREACH(j, d, dt, q) {
				char dev[64] = "";
				size_t l = strlen(x->disks);

				if (json_type(j, dt) != JSON_OBJECT)
					continue;
				str(j, dt, "dev", dev, sizeof(dev));
				if (!dev[0])
					str(j, dt, "serial", dev, sizeof(dev));
				if (dev[0] && l + strlen(dev) + 2 <
				    sizeof(x->disks))
					snprintf(x->disks + l, sizeof(x->disks) -
					    l, "%s%s", l ? "," : "", dev);
			}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

int
pve_agent_users_parse(const struct json *j, int t,
    struct pve_agent_user **out, int *n, struct px_err *e)
{
	struct pve_agent_user *v;
	int r, c, i, k = 0;

	*out = NULL;
	*n = 0;
	if ((r = pve_agent_result(j, t, e)) < 0)
		return -1;
	if (json_type(j, r) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest agent users: not a list");
	v = px_xcalloc((size_t)json_len(j, r) + 1, sizeof(*v));
	JSON_FOREACH(j, r, c, i) {
		if (json_type(j, c) != JSON_OBJECT) {
			pve_row_drop(j, "agent users", i, "not an object");
			continue;
		}
		str(j, c, "user", v[k].user, sizeof(v[k].user));
		str(j, c, "domain", v[k].domain, sizeof(v[k].domain));
		v[k].login = json_get_num(j, c, "login-time", 0);
		if (v[k].user[0])
			k++;
		else
			pve_row_drop(j, "agent users", i, "no user");
	}
	*out = v;
	*n = k;
	return 0;
}

int
pve_agent_info_parse(const struct json *j, int t, char *version, size_t vn,
    struct pve_agent_cmd **out, int *n, struct px_err *e)
{
	struct pve_agent_cmd *v;
	int r, s, c, i, k = 0;

	*out = NULL;
	*n = 0;
	if ((r = pve_agent_result(j, t, e)) < 0)
		return -1;
	if (json_type(j, r) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "guest agent info: not an object");
	str(j, r, "version", version, vn);
	s = json_get(j, r, "supported_commands");
	v = px_xcalloc((size_t)(s >= 0 ? json_len(j, s) : 0) + 1, sizeof(*v));
	if (json_type(j, s) == JSON_ARRAY)
		JSON_FOREACH(j, s, c, i) {
			if (json_type(j, c) != JSON_OBJECT) {
				pve_row_drop(j, "agent info", i, "not an "
				    "object");
				continue;
			}
			str(j, c, "name", v[k].name, sizeof(v[k].name));
			v[k].enabled = json_get_bool(j, c, "enabled", 0);
			v[k].success_response = json_get_bool(j, c,
			    "success-response", 0);
			if (v[k].name[0])
				k++;
		}
	*out = v;
	*n = k;
	return 0;
}
