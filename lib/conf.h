/*
 * conf.h -- px.conf (INI, read with minini) and the data directory.
 *
 * The file is $PX_CONFIG, else $XDG_CONFIG_HOME/px/px.conf, else
 * ~/.config/px/px.conf.  It is read once (ini_browse) into memory; every
 * key of every section is kept, so later modules ([telegram], [ssh],
 * [alert NAME], [policy NAME]) look their keys up with conf_get.
 * Profiles ([profile NAME] for PVE, [pbs NAME] for PBS) are parsed and
 * checked here: unknown keys and bad values are configuration errors
 * (exit 3) naming the file, section and key.
 */
#ifndef PX_CONF_H
#define PX_CONF_H

#include <sys/types.h>

#include "err.h"

enum px_auth { PX_AUTH_TOKEN, PX_AUTH_PASSWORD };
enum px_kind { PX_KIND_PVE, PX_KIND_PBS };
enum px_tls { PX_TLS_SYSTEM, PX_TLS_CAFILE, PX_TLS_FINGERPRINT,
	PX_TLS_TOFU, PX_TLS_INSECURE };

struct px_profile {
	char *name;
	enum px_kind kind;
	char *url;		/* https://host:8006, no path */
	char *user;		/* root@pam */
	enum px_auth auth;
	char *token_id;		/* the part after '!' */
	char *token_secret;	/* inline secret, or NULL */
	char *token_secret_file;
	char *password;		/* inline, or NULL */
	char *password_file;
	char *fingerprint;	/* AA:BB:... upper case, or NULL */
	char *ca_file;
	int tofu, insecure, read_only;
	double rate_limit;	/* requests per second, 0: unlimited */
	long timeout;		/* seconds for a whole request (default 60) */
	long connect_timeout;	/* seconds (default 10) */
	int retries;		/* for idempotent requests (default 3) */
};

struct px_conf_kv {
	char *section;		/* "profile sim", "telegram", "" */
	char *key;
	char *value;
};

struct px_conf {
	char *path;		/* the file read */
	mode_t mode;		/* its permission bits */
	struct px_conf_kv *kv;
	size_t nkv;
	struct px_profile *profiles;
	int nprofiles;
	char *default_profile;	/* [px] profile, or NULL */
};

/* The config file path px would read (malloc'd). */
char *conf_path(void);
/* Load the config from conf_path().  A missing file is PXE_CONFIG with a
 * hint to run px init.  Returns 0 or -1 with e set. */
int conf_load(struct px_conf *c, struct px_err *e);
/* Load from a given file. */
int conf_load_file(struct px_conf *c, const char *path, struct px_err *e);
void conf_free(struct px_conf *c);

/* The profile to use: name (from -p) > $PX_PROFILE > [px] profile > the
 * only profile.  kind restricts the search (PVE or PBS profiles).
 * NULL with e set (PXE_NO_PROFILE) when none matches. */
const struct px_profile *conf_profile(const struct px_conf *c,
    const char *name, enum px_kind kind, struct px_err *e);
/* A raw value: conf_get(c, "telegram", "bot_token"); NULL if unset. */
const char *conf_get(const struct px_conf *c, const char *section,
    const char *key);
/* Parse a boolean value (yes/no, true/false, on/off, 1/0); -1 if not. */
int conf_parse_bool(const char *s);
/* Normalise a SHA-256 fingerprint (any case, colons optional) to
 * upper-case colon hex in *out (malloc'd); -1 if malformed. */
int conf_norm_fingerprint(const char *in, char **out);
/* The TLS trust mode of a profile. */
enum px_tls conf_tls_mode(const struct px_profile *p);

/*
 * The profile's secret (token secret or password, by p->auth), resolved
 * in this order: flag (a command-line value, may be NULL) > environment
 * (PX_TOKEN_SECRET / PX_PASSWORD) > the *_file > inline.  It calls
 * secret_guard first.  A secret holding a control character (a CR/LF
 * would end up in a header) is refused (PXE_CONFIG).  A secret file
 * that group or others can read, or an inline secret in a config file
 * that others can read, is refused (PXE_SECRET_PERMS, with the chmod that
 * fixes it).  *out is malloc'd; wipe it with secret_free.  *source says
 * where it came from ("flag", "environment", the file path, "inline").
 */
int conf_secret(const struct px_conf *c, const struct px_profile *p,
    const char *flag, char **out, const char **source, struct px_err *e);
/* explicit_bzero and free. */
void secret_free(char *s);
/* Make the process undumpable (prctl PR_SET_DUMPABLE 0) and its core
 * limit 0, once: called before px reads a secret, so that a crash
 * leaves no core holding it.  Prints nothing. */
void secret_guard(void);
/* 1 if s holds a control character (below 0x20, or DEL). */
int conf_has_ctl(const char *s);
/* Why url cannot be a profile's url (a static string: user:password@,
 * ?query, #fragment, a path, spaces or control characters), or NULL. */
const char *conf_url_problem(const char *url);
/* Check a token_id as written: "px", or "USER@REALM!px" as PVE's GUI
 * shows it, whose user part must equal user; the latter is cut to the
 * part after '!' in place.  NULL if fine, else a malloc'd reason that
 * says which part is wrong. */
char *conf_token_id_problem(const char *user, char *token_id);

/* Check that path is a regular file, not a symbolic link, owned by the
 * user px runs as, that only its owner can read (mode & 077 == 0), as
 * fsafe.h says: PXE_SECRET_PERMS or PXE_UNSAFE_FILE with the fix as
 * hint; PXE_CONFIG when it does not exist. */
int secret_file_check(const char *path, struct px_err *e);
/* Read a secret file (first line, without the newline), after
 * secret_file_check.  *out is malloc'd. */
int secret_file_read(const char *path, char **out, struct px_err *e);

/* The data directory ($XDG_DATA_HOME/px, else ~/.local/share/px),
 * created 0700 on first need, closed to 0700 when others can read it,
 * refused (PXE_UNSAFE_FILE) when another user owns it or others can
 * write it.  Returns a static string, or NULL with e set. */
const char *px_data_dir(struct px_err *e);
/* mkdir -p with mode for the missing components. */
int px_mkdirs(const char *path, mode_t mode, struct px_err *e);
/* Write a file atomically (a new temp file in the same directory, never
 * through a symbolic link, fsync, rename) with the given mode. */
int px_write_file(const char *path, const void *data, size_t n, mode_t mode,
    struct px_err *e);

#endif
