/*
 * Unit tests: the pure parts of the jobs view and the log viewer: times
 * and rates as the table shows them, the ETA, which columns fit a width,
 * error text wrapped for the details, and a log cut into lines as bytes
 * come (\r and \n ends, \r\n once, lines split across buffers, over-long
 * lines cut, merging what a worker read), case-blind search and skipping
 * columns.  No terminal: none of these call curses.
 */
#include <locale.h>
#include <stdlib.h>

#include "unit.h"
#include "tui.h"

static void
test_duration(void)
{
	char b[16];

	CHECK_STR(jobs_duration(-1, b, sizeof b), "");
	CHECK_STR(jobs_duration(0, b, sizeof b), "0s");
	CHECK_STR(jobs_duration(59, b, sizeof b), "59s");
	CHECK_STR(jobs_duration(60, b, sizeof b), "1m00s");
	CHECK_STR(jobs_duration(725, b, sizeof b), "12m05s");
	CHECK_STR(jobs_duration(3599, b, sizeof b), "59m59s");
	CHECK_STR(jobs_duration(3600 * 3 + 7 * 60 + 30, b, sizeof b), "3h07m");
	CHECK_STR(jobs_duration(86400 * 2 + 4 * 3600 + 5, b, sizeof b),
	    "2d04h");
	/* Every one fits the 6 columns of ETA. */
	CHECK(strlen(jobs_duration(86400 * 99 + 23 * 3600, b, sizeof b)) <= 6);
}

static void
test_rate_eta(void)
{
	char b[32];
	uint64_t gib = 1024ULL * 1024 * 1024;

	CHECK_STR(jobs_rate(-1, b, sizeof b), "");
	CHECK_STR(jobs_rate(512, b, sizeof b), "512 B/s");
	CHECK_STR(jobs_rate(12.5 * 1024 * 1024, b, sizeof b), "12 MiB/s");
	CHECK_STR(jobs_rate(1.5 * 1024 * 1024, b, sizeof b), "1.5 MiB/s");
	/* 10 GiB, from 20% to 30% in 100 s: 1 GiB in 100 s. */
	CHECK(jobs_speed(10 * gib, 20, 1000, 30, 1100) == (double)gib / 100);
	CHECK(jobs_speed(10 * gib, 20, 1000, 20, 1100) < 0);	/* no move */
	CHECK(jobs_speed(10 * gib, 20, 1000, 30, 1000) < 0);	/* no time */
	CHECK(jobs_speed(0, 20, 1000, 30, 1100) < 0);		/* no size */
	/* 10 points in 100 s, 70 to go: 700 s. */
	CHECK(jobs_eta(20, 1000, 30, 1100) == 700);
	CHECK(jobs_eta(20, 1000, 20, 1100) == -1);
	CHECK(jobs_eta(20, 1000, 30, 1000) == -1);
	CHECK(jobs_eta(0, 1000, 100, 1000) == 0);
	CHECK(jobs_eta(-1, 1000, -1, 1100) == -1);
}

static int
layout_width(const int *show, const int *widths)
{
	int c, used = 1;

	for (c = 0; c < JC_COUNT; c++)
		if (show[c])
			used += widths[c] + 1;
	return used - 1;
}

static void
test_layout(void)
{
	int show[JC_COUNT], widths[JC_COUNT];

	/* Wide: everything. */
	jobs_layout(160, show, widths);
	CHECK(show[JC_RATE] && show[JC_DISK] && show[JC_ELAPSED] &&
	    show[JC_PROXY] && show[JC_BAR]);
	CHECK(layout_width(show, widths) <= 160);
	/* 80 columns: the rate, the disk and the elapsed time go first. */
	jobs_layout(80, show, widths);
	CHECK(!show[JC_RATE] && !show[JC_DISK] && !show[JC_ELAPSED]);
	CHECK(show[JC_VM] && show[JC_PROXY] && show[JC_STATE] &&
	    show[JC_PCT] && show[JC_BAR] && show[JC_ETA] && show[JC_MSG]);
	CHECK(widths[JC_MSG] >= 16);
	CHECK(layout_width(show, widths) <= 80);
	/* The console's smallest: the proxy and the bar go too. */
	jobs_layout(60, show, widths);
	CHECK(!show[JC_PROXY] && !show[JC_BAR]);
	CHECK(show[JC_VM] && show[JC_STATE] && show[JC_PCT] && show[JC_MSG]);
	CHECK(layout_width(show, widths) <= 60);
	/* Nothing fits: the VM and message stay, the message is cut. */
	jobs_layout(10, show, widths);
	CHECK(show[JC_VM] && show[JC_MSG] && widths[JC_MSG] >= 1);
}

static void
test_wrap(void)
{
	char **l;
	size_t n, i;

	l = jobs_wrap("nbdkit did not start up.\n\nIf the messages above",
	    16, &n);
	CHECK(n == 4);
	if (n == 4) {
		CHECK_STR(l[0], "nbdkit did not");
		CHECK_STR(l[1], "start up.");
		CHECK_STR(l[2], "If the messages");
		CHECK_STR(l[3], "above");
	}
	for (i = 0; i < n; i++) {
		CHECK(draw_width(l[i]) <= 16);
		free(l[i]);
	}
	free(l);
	/* A word longer than the width is cut, never lost. */
	l = jobs_wrap("abcdefghij", 4, &n);
	CHECK(n == 3);
	if (n == 3)
		CHECK_STR(l[2], "ij");
	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void
test_log_text(void)
{
	struct log_text t, w;
	char *big;

	memset(&t, 0, sizeof t);
	log_text_feed(&t, "one\ntw", 6);
	CHECK(t.n == 1 && log_text_count(&t) == 2);
	CHECK_STR(log_text_line(&t, 1), "tw");
	log_text_feed(&t, "o\r\nbar 0%\rbar 50%\r", 18);
	CHECK(t.n == 4 && log_text_count(&t) == 4);
	CHECK_STR(log_text_line(&t, 1), "two");
	CHECK_STR(log_text_line(&t, 2), "bar 0%");
	CHECK_STR(log_text_line(&t, 3), "bar 50%");
	/* \r at the end of one buffer and \n at the start of the next. */
	log_text_feed(&t, "\nx\n", 3);
	CHECK(t.n == 5);
	CHECK_STR(log_text_line(&t, 4), "x");
	/* Control characters stay in the text: draw_text shows them safely. */
	log_text_feed(&t, "\x1b[31mred\n", 9);
	CHECK_STR(log_text_line(&t, 5), "\x1b[31mred");
	log_text_clear(&t);

	/* A worker's part continues the open line. */
	memset(&t, 0, sizeof t);
	memset(&w, 0, sizeof w);
	log_text_feed(&t, "Copy", 4);
	log_text_feed(&w, "ing disk 1/2\nnext", 17);
	log_text_merge(&t, &w);
	CHECK(t.n == 1);
	CHECK_STR(log_text_line(&t, 0), "Copying disk 1/2");
	CHECK_STR(log_text_line(&t, 1), "next");
	memset(&w, 0, sizeof w);
	log_text_feed(&w, " line", 5);
	log_text_merge(&t, &w);
	CHECK(t.n == 1);
	CHECK_STR(log_text_line(&t, 1), "next line");
	log_text_clear(&t);

	/* An over-long line is cut at LOG_LINE_MAX bytes. */
	memset(&t, 0, sizeof t);
	big = xmalloc(LOG_LINE_MAX * 2);
	memset(big, 'a', LOG_LINE_MAX * 2);
	log_text_feed(&t, big, LOG_LINE_MAX * 2);
	log_text_feed(&t, big, 10);
	log_text_feed(&t, "\nb\n", 3);
	CHECK(t.n == 2);
	CHECK(strlen(log_text_line(&t, 0)) == LOG_LINE_MAX);
	CHECK_STR(log_text_line(&t, 1), "b");
	free(big);
	log_text_clear(&t);
}

static void
test_log_lines_max(void)
{
	struct log_text t;
	size_t i;

	memset(&t, 0, sizeof t);
	for (i = 0; i < LOG_LINES_MAX + 10; i++)
		log_text_feed(&t, "l\n", 2);
	CHECK(t.n <= LOG_LINES_MAX);
	CHECK(t.n + t.dropped == LOG_LINES_MAX + 10);
	log_text_clear(&t);
}

static void
test_find_skip(void)
{
	const char *line = "virt-v2v: Error: NBDKIT did not start";

	CHECK(log_find(line, "nbdkit") == line + 17);
	CHECK(log_find(line, "error") == line + 10);
	CHECK(log_find(line, "absent") == NULL);
	CHECK(log_find(line, "") == NULL);
	CHECK(log_find(line, NULL) == NULL);
	CHECK_STR(log_skip_cols("abcdef", 2), "cdef");
	CHECK_STR(log_skip_cols("abc", 10), "");
	/* UTF-8: a character is one column and several bytes. */
	CHECK_STR(log_skip_cols("d\xc3\xa9p\xc3\xb4t", 2), "p\xc3\xb4t");
	/* A control character counts as the one '?' draw_text shows. */
	CHECK_STR(log_skip_cols("\x1b[1m", 1), "[1m");
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(test_duration);
	RUN(test_rate_eta);
	RUN(test_layout);
	RUN(test_wrap);
	RUN(test_log_text);
	RUN(test_log_lines_max);
	RUN(test_find_skip);
	return unit_done();
}
