/**
 * @file contact_record.h  Private: a contact's call recording, fed by the
 * customer leg's media callbacks (contact_ops.c) and finished when the
 * contact ends (contact.c).
 *
 * Owns the recorder (one stereo WAV per contact under
 * data_dir/recordings/YYYY/MM/DD/<ContactId>.wav), the customer's audio
 * waiting for the next media tick, and the Recordings[] entries and paused
 * spans the contact record points at.
 */
#ifndef CALLFLOWD_CONTACT_RECORD_H
#define CALLFLOWD_CONTACT_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct contact;

/** Audio received from the customer (the left channel). */
void contact_record_rx(struct contact *c, const int16_t *frame, size_t n);
/**
 * One media tick of the customer's leg: frame is what the customer is
 * sent (our prompts, or the agent once bridged: the right channel).
 * Starts, switches and stops the recorded part as the contact's state and
 * the flow's UpdateContactRecordingBehavior say.
 */
void contact_record_tx(struct contact *c, const int16_t *frame, size_t n);
/** The contact ends: close the part and the file, fill the record's
 *  Recordings[]. */
void contact_record_end(struct contact *c);

#endif
