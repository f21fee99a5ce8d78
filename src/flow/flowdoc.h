/**
 * @file flowdoc.h  Private: flow document text helpers for the loader.
 */
#ifndef CALLFLOWD_FLOWDOC_H
#define CALLFLOWD_FLOWDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flow.h>

/** What the scanner saw of a top-level Metadata object. */
struct flowdoc_meta {
	bool has_type;		/* Metadata.type / flowType named a type */
	enum flow_type type;
};

/** CRC-32 of the text: equal texts, equal digests. */
uint32_t flowdoc_digest(const char *text, size_t len);
/** Parse a flow document; the top-level Metadata is skipped (and its
 *  type noted in meta) when the text allows it. */
json_t *flowdoc_parse(const char *text, size_t len, json_error_t *jerr,
		      struct flowdoc_meta *meta);

#endif
