/*
 * core.h -- what pxsim's layers declare beyond sim.h, by file (see the
 * map in sim.h): server/, router/, control/, http/, auth/, model/, and
 * the route arrays and helpers the endpoint files of api/ share with the
 * router and each other.
 */
#ifndef PX_SIM_CORE_H
#define PX_SIM_CORE_H

#include <bearssl.h>

#include "px.h"
#include "sim.h"
#include "model/object.h"

#define SIM_MAX_HEADER	(16 * 1024)	/* larger header block: 431 */
#define SIM_MAX_BODY	(1024 * 1024)	/* larger body: 413 */
#define SIM_MAX_UPLOAD	(1024LL << 20)	/* larger multipart upload: 413 */
#define TLS_CACHE_SIZE	(64 * 1024)

/* server/tls.c */
struct tls_identity {
	unsigned char *cert;	/* DER */
	size_t certlen;
	br_x509_certificate chain[1];
	br_ec_private_key sk;
	unsigned char skbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
	char fingerprint[100];	/* "AB:CD:..." */
	br_ssl_session_cache_lru lru;
	unsigned char *lru_buf;
};

int tls_setup(struct tls_identity *t, const char *dir, char *err,
    size_t errn);
void tls_free(struct tls_identity *t);
void tls_fingerprint_file(const char *dir, char *out, size_t outn);
void tls_conn_init(struct tls_identity *t, br_ssl_server_context *sc,
    unsigned char *iobuf, size_t iobufn);
void tls_random(void *buf, size_t n);

/* server/server.c */
struct listen_spec {
	char host[64];
	int port;
};
/* Parse "addr:port" ("[::1]:8006" too); 0 or -1. */
int server_parse_addr(const char *s, struct listen_spec *ls);
/* Listen on the main (and PBS) address; returns 0, or -1 with err. */
int server_listen(struct sim *s, char *err, size_t errn);
/* The bound "addr:port" of a listener (after port 0 was resolved). */
const char *server_address(struct sim *s, enum sim_listener which);
/* Run the event loop until SIGTERM/SIGINT; returns 0. */
int server_run(struct sim *s, struct tls_identity *tls);
/* Ask the loop to stop (from a signal handler too). */
void server_stop(void);
/* Free a request's contents. */
void sim_req_free(struct sim_req *rq);
/* Parse a form-urlencoded string into params; -1 on a bad %-escape. */
int sim_parse_form(struct sim_kvlist *l, const char *s, size_t n);
/* http/parse.c: one request from the connection's input in (consumed
 * when complete): 1 with rq filled, 0 for more data, 2 for an upload
 * whose body is to be spooled, or the HTTP status (>= 400) that refuses
 * it. */
int sim_request_parse(struct buf *in, struct sim_req *rq, int *keepalive);
/* Split rq's target into path, API and query, and its body into
 * parameters; -1 when they are malformed. */
int sim_request_decode(struct sim_req *rq);

/* http/request.c (besides sim_param and friends in sim.h) */
/* Percent-decode s[0..n) into a new string; NULL on a bad escape or an
 * embedded NUL.  plus: '+' means space. */
char *sim_pct_decode(const char *s, size_t n, int plus);

/* router/router.c */
/* Handle one request: log, faults, latency, auth, routing. */
void api_dispatch(struct sim *s, struct sim_req *rq, struct sim_resp *rs);

/* control/control.c: the request log, faults and the /_sim/ routes */
/* Add a fault from a --fail spec; 0 or -1. */
int api_add_fault(struct sim *s, const char *spec);
void api_log_request(const struct sim_req *rq, const struct sim_resp *rs,
    const char *auth);
const char *api_fault_pick(struct sim *s, const char *path);
extern const struct sim_route sim_routes_control[];

/* http/response.c */
/* Free a response's contents. */
void sim_resp_free(struct sim_resp *rs);
/* A counted copy of p[0..n); another holder; the last release frees. */
struct sim_body *sim_body_new(const char *p, size_t n);
struct sim_body *sim_body_hold(struct sim_body *b);
void sim_body_release(struct sim_body *b);
/* rs's body in rs->body: a shared one copied in (when body is empty) and
 * let go. */
void sim_resp_own_body(struct sim_resp *rs);
/* Reset rs to an empty 200. */
void sim_resp_reset(struct sim_resp *rs);

/* auth/ticket.c */
/* Load or create the instance's ticket and CSRF keys. */
void auth_init(struct sim *s);
/* Authenticate rq (API token, ticket cookie): 0 with rq->auth set
 * (possibly SIM_AUTH_NONE), or -1 with a 401 in rs for a credential
 * that was presented and refused. */
int auth_request(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
/* 1 when password is user's password or a valid ticket of user (a
 * renewal) and user may log in; pbs: the PBS listener. */
int auth_login(struct sim *s, const char *user, const char *password,
    int pbs);
/* A new ticket and CSRF prevention token for user. */
void auth_ticket_new(struct sim *s, int pbs, const char *user, char *ticket,
    size_t ticketn, char *csrf, size_t csrfn);

/* auth/perm.c (besides sim_check_perm and friends in sim.h) */
int auth_user_enabled(struct sim *s, const char *user);
int auth_token_valid(struct sim *s, const char *authid);
/* The path of the i-th ACL entry, NULL past the last. */
const char *auth_acl_path(struct sim *s, size_t i);
/* The "cap" object of a ticket answer for authid. */
void auth_write_cap(struct sim *s, struct jw *w, const char *authid);

/* api/access_ticket.c */
extern const struct sim_route sim_routes_core_access[];
extern const struct sim_route sim_routes_pbs_core[];

/* model/generate.c */
/* Open STATEDIR/sim.db; load the model, generating it when new or when
 * reset is set.  -1 with err on failure. */
int model_open(struct sim *s, int reset, char *err, size_t errn);
/* Regenerate everything from the seed (/_sim/reset). */
void model_regenerate(struct sim *s);
void model_close(struct sim *s);
/* Token secret / password lookups for authentication. */
char *model_token_secret(struct sim *s, const char *user, const char *tok);
char *model_password(struct sim *s, const char *user);
/* model/model.c */
/* A small key/value table of instance settings ("ticket_key", ...). */
char *model_setting(struct sim *s, const char *key);
void model_set_setting(struct sim *s, const char *key, const char *val);
/* Begin/commit a transaction (nesting counted). */
void model_begin(struct sim *s);
void model_commit(struct sim *s);
/* model/kv.c: hex */
void sim_hex(const unsigned char *p, size_t n, char *out);

/* model/seed.c: the documents of the API areas, written at generation
 * after the core model (in the same transaction). */
void seed_access(struct sim *s);
void seed_cluster(struct sim *s);
void seed_node(struct sim *s);

/* model/tasks.c */
void tasks_load(struct sim *s);
void tasks_save(struct sim *s, const struct sim_task *t);
void tasks_free(struct sim *s);
/* Core endpoint routes: api/nodes.c, api/tasks.c, api/guest_routes.c. */
extern const struct sim_route sim_routes_core[];
extern const struct sim_route sim_routes_tasks[];
extern const struct sim_route sim_routes_guest[];

/* api/console.c: termproxy tickets and the console behind vncwebsocket
 * (a handler answers 101 with rs->upgrade; server.c runs the WebSocket). */
struct sim_console;
extern const struct sim_route sim_routes_console[];
/* A ticket for authid on path (/vms/100, /nodes/pve1), valid for a minute:
 * fills ticket ("PVEVNC:...") and port.  host names the console's host;
 * guest: a serial console (a login prompt first). */
void sim_console_ticket(const char *authid, const char *path,
    const char *host, int guest, char *ticket, size_t n, int *port);
/* A message from the client (termproxy protocol); terminal output is
 * appended to out.  0 go on, 1 close normally, 2 drop the connection,
 * -1 refuse (bad authentication or a malformed stream). */
int sim_console_input(struct sim_console *k, const char *d, size_t n,
    struct buf *out);
void sim_console_free(struct sim_console *k);

/* api/nodes.c: resources rows and RRD figures (guests use them too) */
void sim_write_guest_resource(struct sim *s, struct jw *w,
    const struct sim_guest *g);
int sim_rrd_params(const struct sim_req *rq, struct sim_resp *rs, int *step,
    int *max);
double sim_rrd_level(struct sim *s, uint64_t key, long long t, int max);
/* api/node_bulk.c: start (start = 1) or stop the guests of t's node (vms: a list or NULL)
 * as part of task t. */
void sim_tasks_bulk(struct sim *s, struct sim_task *t, int start, int force,
    const char *vms);
/* api/guest_migrate.c: the HA manager moves vmid to node as it was asked
 * to (a migration task on the guest's node, as its LRM starts it): 0, or
 * -1 with rs. */
int g_ha_move(struct sim *s, struct sim_resp *rs, int vmid,
    const char *node);

#endif
