/* The audio FIFO between legs: order, bounded depth, silence on underrun. */
#include <callflowd/core/libre.h>
#include <callflowd/media/afifo.h>
#include "test.h"

static void ramp(int16_t *s, size_t n, int16_t from)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = (int16_t)(from + (int16_t)i);
}

TEST(frames_come_out_in_order)
{
	struct afifo *f = NULL;
	int16_t in[160], out[160];
	struct afifo_stats st;

	ASSERT_INT_EQ(afifo_alloc(&f, 100), 0);
	ramp(in, 160, 0);
	afifo_write(f, in, 80);
	afifo_read(f, out, 160);	/* not primed: silence */
	ASSERT_INT_EQ(out[0], 0);
	ASSERT_INT_EQ(out[159], 0);
	afifo_write(f, in + 80, 80);
	afifo_read(f, out, 160);
	ASSERT_INT_EQ(out[0], 0);
	ASSERT_INT_EQ(out[1], 1);
	ASSERT_INT_EQ(out[159], 159);
	ASSERT_INT_EQ(afifo_level(f), 0);
	afifo_stats(f, &st);
	ASSERT_INT_EQ(st.written, 160);
	ASSERT_INT_EQ(st.read, 160);
	ASSERT_INT_EQ(st.underruns, 1);
	mem_deref(f);
}

TEST(overflow_drops_the_oldest)
{
	struct afifo *f = NULL;
	int16_t in[1000], out[160];
	struct afifo_stats st;

	ASSERT_INT_EQ(afifo_alloc(&f, 40), 0);	/* 320 samples */
	ramp(in, 1000, 1);
	afifo_write(f, in, 300);
	afifo_write(f, in + 300, 100);		/* 80 too many */
	ASSERT_INT_EQ(afifo_level(f), 320);
	afifo_read(f, out, 160);
	ASSERT_INT_EQ(out[0], 81);		/* samples 1..80 dropped */
	afifo_stats(f, &st);
	ASSERT_INT_EQ(st.dropped, 80);

	afifo_write(f, in, 1000);		/* larger than the ring */
	ASSERT_INT_EQ(afifo_level(f), 320);
	afifo_read(f, out, 160);
	ASSERT_INT_EQ(out[0], 681);
	mem_deref(f);
}

TEST(underrun_pads_with_silence)
{
	struct afifo *f = NULL;
	int16_t in[240], out[160];

	ASSERT_INT_EQ(afifo_alloc(&f, 100), 0);
	ramp(in, 240, 1);
	afifo_write(f, in, 240);
	afifo_read(f, out, 160);
	afifo_read(f, out, 160);		/* 80 left */
	ASSERT_INT_EQ(out[79], 240);
	ASSERT_INT_EQ(out[80], 0);
	ASSERT_INT_EQ(out[159], 0);
	ASSERT_INT_EQ(afifo_alloc(NULL, 100), EINVAL);
	mem_deref(f);
}
