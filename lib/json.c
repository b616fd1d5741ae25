/* json.c -- placeholder translation unit until the parser lands. */
#include "json.h"
