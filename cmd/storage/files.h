/*
 * files.h -- what storage.c and files.c share: the verbs that bring
 * files onto a storage and remove volumes (files.c).
 */
#ifndef PX_STORAGE_FILES_H
#define PX_STORAGE_FILES_H

#include "objcli.h"

struct storage_file_opts {
	const char *content;	/* --content: iso, vztmpl, import */
	const char *checksum;	/* --checksum ALG:HEX */
	const char *filename;	/* --filename */
	const char *verify;	/* --verify-certificates 0|1 */
	const char *node;	/* --node (delete VOLID) */
	int url_http;		/* (download-url: a plain http:// URL) */
};

/* px storage upload NODE STORAGE FILE; returns the exit status. */
int storage_upload(struct objcli *oc, const char *node, const char *storage,
    const char *file, const struct storage_file_opts *fo);
/* px storage download-url NODE STORAGE URL. */
int storage_download_url(struct objcli *oc, const char *node,
    const char *storage, const char *url, struct storage_file_opts *fo);
/* px storage delete VOLID (a volume: "storage:name"). */
int storage_volume_delete(struct objcli *oc, const char *volid,
    const struct storage_file_opts *fo);

#endif
