/* stampmemo.c: the store's memory of each event's feed state (stampmemo.h). */
#include "stampmemo.h"

#include <stdlib.h>
#include <string.h>

/*
 * The uids live in blocks that never move, since the index points at them
 * (strindex keeps no copies); a block per uid would cost a malloc header
 * each, and a million of them are usual at 10,000 rings.
 */
#define MEMO_BLOCK	(256 * 1024)

struct memo_block {
	struct memo_block	*next;
	size_t			 used, size;
	char			 bytes[];
};

void
stampmemo_init(struct stampmemo *m, size_t max)
{
	*m = (struct stampmemo){ .max = max };
}

const struct memo_stamp *
stampmemo_get(const struct stampmemo *m, const char *uid)
{
	size_t pos;

	return strindex_get(&m->idx, uid, &pos) ? &m->v[pos] : NULL;
}

/* A copy of uid in the blocks. */
static const char *
memo_copy(struct stampmemo *m, const char *uid)
{
	size_t len = strlen(uid) + 1;
	struct memo_block *b = m->blocks;
	char *p;

	if (b == NULL || b->size - b->used < len) {
		size_t size = len > MEMO_BLOCK ? len : MEMO_BLOCK;

		b = xmalloc(sizeof(*b) + size);
		*b = (struct memo_block){ .next = m->blocks, .size = size };
		m->blocks = b;
	}
	p = b->bytes + b->used;
	memcpy(p, uid, len);
	b->used += len;
	return p;
}

void
stampmemo_put(struct stampmemo *m, const char *uid, uint64_t hash, int sequence,
    time_t changed)
{
	size_t pos;

	if (!strindex_get(&m->idx, uid, &pos)) {
		if (m->n == m->max)
			stampmemo_clear(m);
		grow(&m->v, m->n, &m->cap, sizeof(*m->v));
		pos = m->n++;
		m->v[pos].uid = memo_copy(m, uid);
		strindex_put(&m->idx, m->v[pos].uid, pos);
	}
	m->v[pos].hash = hash;
	m->v[pos].sequence = sequence;
	m->v[pos].changed = changed;
}

void
stampmemo_clear(struct stampmemo *m)
{
	while (m->blocks != NULL) {
		struct memo_block *next = m->blocks->next;

		free(m->blocks);
		m->blocks = next;
	}
	strindex_free(&m->idx);
	free(m->v);
	stampmemo_init(m, m->max);
}
