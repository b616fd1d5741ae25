/*
 * object.h -- JSON objects as ordered key -> raw JSON lists, arrays of
 * them, and documents of the store read and written as objects
 * (model/object.c).
 */
#ifndef PX_SIM_OBJECT_H
#define PX_SIM_OBJECT_H

#include "../sim.h"

/* ------------------------------------------------------------------ */
/* JSON objects: an ordered list of key -> raw JSON value text.         */

struct ext_obj {
	struct sim_kvlist kv;	/* val is valid JSON text */
};

/* Parse a JSON object (len bytes, or strlen when len is 0); 0 on
 * success, -1 when json is not an object.  o is emptied first. */
int ext_obj_parse(struct ext_obj *o, const char *json, size_t len);
/* The object as compact JSON text; caller frees. */
char *ext_obj_json(const struct ext_obj *o);
void ext_obj_free(struct ext_obj *o);
/* The raw JSON text of key, or NULL. */
const char *ext_obj_raw(const struct ext_obj *o, const char *key);
/* The unescaped string value of key (numbers give their text); NULL
 * when absent or null; caller frees. */
char *ext_obj_str(const struct ext_obj *o, const char *key);
/* The integer value of key, def when absent or not a number. */
long long ext_obj_int(const struct ext_obj *o, const char *key,
    long long def);
void ext_obj_set_raw(struct ext_obj *o, const char *key, const char *raw);
void ext_obj_set_str(struct ext_obj *o, const char *key, const char *s);
void ext_obj_set_int(struct ext_obj *o, const char *key, long long v);
void ext_obj_del(struct ext_obj *o, const char *key);
/* Write o into w as an object; keys: NULL for all, else a
 * space-separated list of the keys to write (absent ones skipped). */
/* 1 when word is in the space-separated list (NULL: none). */
int ext_in_list(const char *list, const char *word);
void ext_obj_write(struct jw *w, const struct ext_obj *o, const char *keys);

/* An array of objects (firewall rules, ipset entries, ...). */
struct ext_arr {
	struct ext_obj *v;
	size_t n, cap;
};

/* Parse a raw JSON array of objects (NULL gives an empty array). */
int ext_arr_parse(struct ext_arr *a, const char *raw);
/* Compact JSON text of the array; caller frees. */
char *ext_arr_json(const struct ext_arr *a);
/* Insert a (moved in, then owned by the array) at index pos (clamped). */
void ext_arr_insert(struct ext_arr *a, size_t pos, struct ext_obj *o);
/* Remove index pos (freeing it). */
void ext_arr_remove(struct ext_arr *a, size_t pos);
void ext_arr_free(struct ext_arr *a);

/* Read one stored document as an object; 0 when found. */
int ext_doc_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, struct ext_obj *o);
/* Store an object as a document. */
void ext_doc_put_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, const struct ext_obj *o);

/* A 40-hex-digit digest of text (FNV-based; stable for equal text). */
void ext_digest(const char *text, size_t len, char out[41]);
/* The digest of every document of kind under parent (the "config file"
 * digest PVE sends and checks). */
void ext_kind_digest(struct sim *s, const char *kind, const char *parent,
    char out[41]);

#endif
