/*
 * lsrows.h -- the columns and rows of px ls nodes, guests, storage and
 * tasks, shared with px replay, so that the same list prints with the
 * same column names (the JSON keys, a contract: pxls.1) wherever it
 * comes from.  Each row function fills the columns from index base on
 * (base 1 when a "profile" column comes first) of the current row.
 */
#ifndef PX_LSROWS_H
#define PX_LSROWS_H

#include "out.h"
#include "pve.h"

/* How many columns each list has (lsrows.c checks them at compile time) */
#define LSROWS_NGUEST	21
#define LSROWS_NNODE	11
#define LSROWS_NSTORAGE	9
#define LSROWS_NTASK	8

extern const struct out_col lsrows_guest_cols[LSROWS_NGUEST];
extern const struct out_col lsrows_node_cols[LSROWS_NNODE];
extern const struct out_col lsrows_storage_cols[LSROWS_NSTORAGE];
extern const struct out_col lsrows_task_cols[LSROWS_NTASK];

void lsrows_guest(struct out *o, int base, const struct pve_guest *g);
void lsrows_node(struct out *o, int base, const struct pve_node *n);
void lsrows_storage(struct out *o, int base, const struct pve_storage *s);
void lsrows_task(struct out *o, int base, const struct pve_task *t);

#endif
