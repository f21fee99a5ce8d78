/**
 * @file dayfile.h  A JSONL file per UTC day:
 * data_dir/<kind>/YYYY/MM/DD/<kind>.jsonl (flow logs, agent events).
 *
 * Owns the appender of the current day's file (appender.h: written off
 * the loop, in order); the next day's file is opened by the first line
 * of that day, and yesterday's appender finishes its queued lines alone.
 */
#ifndef CALLFLOWD_DAYFILE_H
#define CALLFLOWD_DAYFILE_H

#include <stdint.h>

struct dayfile;

/** kind names the folder and the file, e.g. "flow-logs". */
int  dayfile_alloc(struct dayfile **dfp, const char *data_dir,
		   const char *kind);
/** The path of kind's file for the UTC day of ms. */
int  dayfile_path(char **pathp, const char *data_dir, const char *kind,
		  uint64_t ms);
/** Append text and a newline to the file of the day of ms. */
int  dayfile_line(struct dayfile *df, uint64_t ms, const char *text);
/** Wait until the current file's lines are on disk (runs the loop). */
void dayfile_flush(struct dayfile *df, uint32_t ms);

#endif
