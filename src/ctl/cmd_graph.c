/**
 * @file cmd_graph.c  callflowctl graph: a flow's blocks and branches as
 * Graphviz DOT, SVG or a Mermaid flowchart.
 *
 * Each action is a box (its type and what it says, plays or targets),
 * each transition an arrow labelled with its branch (the condition, the
 * error type; the default branch unlabelled). When the export carries the
 * designer's positions (Metadata.ActionMetadata.<id>.position, and
 * entryPointPosition for the start) every box goes where the designer put
 * it; otherwise Graphviz lays the flow out left to right.
 *
 * SVG is drawn by Graphviz's programs (Debian's graphviz package): `neato
 * -n2` keeps given positions, `dot` lays out the rest. Running the program
 * rather than linking libgvc keeps callflowctl free of Graphviz's
 * libraries (and the package's dependency a Recommends): DOT and Mermaid
 * output need nothing installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

enum fmt { FMT_DOT, FMT_SVG, FMT_MMD };

enum { LABEL_MAX = 44 };

struct graph {
	const json_t *actions;		/* Actions */
	const json_t *ameta;		/* Metadata.ActionMetadata */
	const json_t *meta;		/* Metadata */
	const char *start;		/* StartAction */
	const char *title;
	bool positioned;		/* every action has a position */
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl graph FLOW.json "
		"[-o OUT.svg|OUT.dot|OUT.mmd]\n"
		"\n"
		"Draws the flow's blocks and branches: Graphviz DOT on\n"
		"standard output without -o, else the format the file name\n"
		"ends with (.svg needs Graphviz's dot program; .dot/.gv and\n"
		".mmd do not). Blocks go where the flow designer put them\n"
		"when the export has their positions. FLOW.json is an export,\n"
		"a Flow Language document or `aws connect\n"
		"describe-contact-flow` output.\n");
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int action_index(const struct graph *g, const char *id)
{
	size_t i;

	if (!id)
		return -1;
	for (i = 0; i < json_array_size(g->actions); i++) {
		const char *x = jstr(json_array_get(g->actions, i),
				     "Identifier");

		if (x && !strcmp(x, id))
			return (int)i;
	}
	return -1;
}

static bool position(const json_t *o, double *x, double *y)
{
	const json_t *p = json_object_get(o, "position");

	if (!o)
		return false;
	if (!p)
		p = o;	/* entryPointPosition is the position itself */
	if (!json_is_number(json_object_get(p, "x")) ||
	    !json_is_number(json_object_get(p, "y")))
		return false;
	*x = json_number_value(json_object_get(p, "x"));
	*y = json_number_value(json_object_get(p, "y"));
	return true;
}

/* Copy s into buf, cut at LABEL_MAX characters (UTF-8 aware) with "...". */
static void clip(char *buf, size_t sz, const char *s)
{
	size_t chars = 0, i;

	for (i = 0; s[i] && i + 4 < sz; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > LABEL_MAX)
			break;
		buf[i] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ?
			' ' : s[i];
	}
	if (s[i]) {
		/* do not leave half a UTF-8 sequence */
		while (i && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
			--i;
		if (i && ((unsigned char)buf[i - 1] & 0x80))
			--i;
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
}

/* The ARN's last path element: queue/<id>, function:<name>. */
static const char *arn_tail(const char *s)
{
	const char *p;

	if (strncmp(s, "arn:", 4))
		return s;
	p = strrchr(s, '/');
	if (!p)
		p = strrchr(s, ':');
	return p && p[1] ? p + 1 : s;
}

/* What an action says or targets, for its box: the designer's display
 * name of the parameter when the export has one. */
static void summary(char *buf, size_t sz, const json_t *act,
		    const json_t *ameta)
{
	static const char *keys[] = {
		"Text", "SSML", "PromptId", "QueueId", "AgentId",
		"ContactFlowId", "FlowModuleId", "LambdaFunctionARN",
		"HoursOfOperationId", "ComparisonValue",
		"ThirdPartyPhoneNumber",
		"TimeLimitSeconds", "Percentages", "LoopCount",
		"FlowLoggingBehavior", "RecordingBehavior", "TextToSpeechVoice",
		NULL
	};
	const json_t *params = json_object_get(act, "Parameters");
	const json_t *pmeta = json_object_get(ameta, "parameters");
	const json_t *attrs = json_object_get(params, "Attributes");
	size_t i;

	buf[0] = '\0';
	for (i = 0; keys[i]; i++) {
		const json_t *v = json_object_get(params, keys[i]);
		const char *disp = jstr(json_object_get(pmeta, keys[i]),
					"displayName");
		char tmp[256];

		if (!v)
			continue;
		if (disp)
			clip(buf, sz, disp);
		else if (json_is_string(v))
			clip(buf, sz, arn_tail(json_string_value(v)));
		else if (json_is_integer(v)) {
			re_snprintf(tmp, sizeof(tmp), "%lld",
				    json_integer_value(v));
			clip(buf, sz, tmp);
		}
		else
			continue;
		return;
	}
	if (json_is_object(attrs)) {
		struct mbuf *mb = mbuf_alloc(128);
		const char *k;
		json_t *v;

		if (!mb)
			return;
		json_object_foreach((json_t *)attrs, k, v) {
			(void)v;
			(void)mbuf_printf(mb, "%s%s", mb->end ? ", " : "", k);
		}
		(void)mbuf_write_u8(mb, 0);
		clip(buf, sz, (const char *)mb->buf);
		mem_deref(mb);
	}
}

/* "= 1", "> 5", "contains x" */
static void cond_label(char *buf, size_t sz, const json_t *cond)
{
	static const struct { const char *op, *sym; } ops[] = {
		{"Equals", "="}, {"NumberGreaterThan", ">"},
		{"NumberLessThan", "<"}, {"NumberGreaterOrEqualTo", ">="},
		{"NumberLessOrEqualTo", "<="}, {"TextContains", "contains"},
		{"TextStartsWith", "starts with"},
		{"TextEndsWith", "ends with"},
	};
	const char *op = jstr(cond, "Operator");
	const json_t *opv = json_object_get(cond, "Operands");
	const char *val = json_string_value(json_array_get(opv, 0));
	const char *sym = op ? op : "?";
	char tmp[256];
	size_t i;

	for (i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(op, ops[i].op))
			sym = ops[i].sym;
	}
	re_snprintf(tmp, sizeof(tmp), "%s %s", sym, val ? val : "");
	clip(buf, sz, tmp);
}

/* One transition: from action i to target id, with its label. */
typedef int (edge_h)(struct mbuf *mb, const struct graph *g, int from,
		     int to, const char *label, bool error);

/* Call eh for each transition of each action; unknown targets are
 * reported, not drawn. */
static int edges_walk(struct mbuf *mb, const struct graph *g, edge_h *eh)
{
	size_t i, k;
	int err = 0;

	for (i = 0; !err && i < json_array_size(g->actions); i++) {
		const json_t *a = json_array_get(g->actions, i);
		const json_t *tr = json_object_get(a, "Transitions");
		const json_t *conds = json_object_get(tr, "Conditions");
		const json_t *errs = json_object_get(tr, "Errors");
		const char *next = jstr(tr, "NextAction");
		char label[128];
		int to;

		if (next) {
			to = action_index(g, next);
			if (to >= 0)
				err = eh(mb, g, (int)i, to,
					 json_array_size(conds) ? "default" :
					 "", false);
			else
				fprintf(stderr, "callflowctl: graph: %s: no "
					"action %s\n", jstr(a, "Identifier"),
					next);
		}
		for (k = 0; !err && k < json_array_size(conds); k++) {
			const json_t *c = json_array_get(conds, k);

			to = action_index(g, jstr(c, "NextAction"));
			if (to < 0)
				continue;
			cond_label(label, sizeof(label),
				   json_object_get(c, "Condition"));
			err = eh(mb, g, (int)i, to, label, false);
		}
		for (k = 0; !err && k < json_array_size(errs); k++) {
			const json_t *e = json_array_get(errs, k);
			const char *et = jstr(e, "ErrorType");

			to = action_index(g, jstr(e, "NextAction"));
			if (to < 0)
				continue;
			err = eh(mb, g, (int)i, to, et ? et : "error", true);
		}
	}
	return err;
}

/* A DOT string: quotes and backslashes escaped. */
static int dot_str(struct mbuf *mb, const char *s)
{
	int err = mbuf_write_u8(mb, '"');

	for (; *s && !err; s++) {
		if (*s == '\n') {
			err = mbuf_write_str(mb, "\\n");
			continue;
		}
		if (*s == '"' || *s == '\\')
			err = mbuf_write_u8(mb, '\\');
		if (!err)
			err = mbuf_write_u8(mb, (uint8_t)*s);
	}
	return err ? err : mbuf_write_u8(mb, '"');
}

static int dot_edge(struct mbuf *mb, const struct graph *g, int from,
		    int to, const char *label, bool error)
{
	int err;

	(void)g;
	err = mbuf_printf(mb, "  a%d -> a%d [label=", from, to);
	err |= dot_str(mb, label);
	if (error)
		err |= mbuf_printf(mb, ", color=\"#c0392b\", "
				   "fontcolor=\"#c0392b\", style=dashed");
	err |= mbuf_printf(mb, "];\n");
	return err;
}

static int dot_write(struct mbuf *mb, const struct graph *g)
{
	double x, y;
	size_t i;
	int err, start;

	err = mbuf_printf(mb, "digraph flow {\n  graph [label=");
	err |= dot_str(mb, g->title);
	err |= mbuf_printf(mb, ", labelloc=t, rankdir=LR, splines=true, "
			   "fontname=\"Helvetica\"];\n"
			   "  node [shape=box, style=\"rounded,filled\", "
			   "fillcolor=\"#eef4fb\", fontname=\"Helvetica\", "
			   "fontsize=10];\n"
			   "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	err |= mbuf_printf(mb, "  start [label=\"Start\", shape=circle, "
			   "fillcolor=\"#d5f5e3\"");
	if (g->positioned &&
	    position(json_object_get(g->meta, "entryPointPosition"), &x, &y))
		err |= mbuf_printf(mb, ", pos=\"%.1f,%.1f!\"", x, -y);
	err |= mbuf_printf(mb, "];\n");

	for (i = 0; !err && i < json_array_size(g->actions); i++) {
		const json_t *a = json_array_get(g->actions, i);
		const char *id = jstr(a, "Identifier");
		const char *type = jstr(a, "Type");
		const json_t *am = json_object_get(g->ameta, id ? id : "");
		const json_t *tr = json_object_get(a, "Transitions");
		char sum[LABEL_MAX * 4 + 8], label[LABEL_MAX * 4 + 128];

		summary(sum, sizeof(sum), a, am);
		re_snprintf(label, sizeof(label), "%s%s%s",
			    type ? type : "?", sum[0] ? "\n" : "", sum);
		err = mbuf_printf(mb, "  a%zu [id=", i);
		err |= dot_str(mb, id ? id : "");
		err |= mbuf_printf(mb, ", tooltip=");
		err |= dot_str(mb, id ? id : "");
		err |= mbuf_printf(mb, ", label=");
		err |= dot_str(mb, label);
		if (json_is_object(tr) && !json_object_size(tr))
			err |= mbuf_printf(mb, ", fillcolor=\"#fdebd0\"");
		if (g->positioned && position(am, &x, &y))
			err |= mbuf_printf(mb, ", pos=\"%.1f,%.1f!\"", x, -y);
		err |= mbuf_printf(mb, "];\n");
	}
	start = action_index(g, g->start);
	if (!err && start >= 0)
		err = mbuf_printf(mb, "  start -> a%d;\n", start);
	if (!err)
		err = edges_walk(mb, g, dot_edge);
	if (!err)
		err = mbuf_printf(mb, "}\n");
	return err;
}

/* Mermaid label text: quotes and '#' as entities, newlines as <br/>. */
static int mmd_str(struct mbuf *mb, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		if (*s == '"')
			err = mbuf_write_str(mb, "#quot;");
		else if (*s == '#')
			err = mbuf_write_str(mb, "#35;");
		else if (*s == '\n')
			err = mbuf_write_str(mb, "<br/>");
		else if (*s == '|')
			err = mbuf_write_str(mb, "#124;");
		else
			err = mbuf_write_u8(mb, (uint8_t)*s);
	}
	return err;
}

static int mmd_edge(struct mbuf *mb, const struct graph *g, int from,
		    int to, const char *label, bool error)
{
	int err;

	(void)g;
	if (!*label)
		return mbuf_printf(mb, "  a%d --> a%d\n", from, to);
	err = mbuf_printf(mb, "  a%d %s|\"", from, error ? "-.->" : "-->");
	err |= mmd_str(mb, label);
	err |= mbuf_printf(mb, "\"| a%d\n", to);
	return err;
}

static int mmd_write(struct mbuf *mb, const struct graph *g)
{
	size_t i;
	int err, start;

	err = mbuf_printf(mb, "---\ntitle: \"");
	err |= mmd_str(mb, g->title);
	err |= mbuf_printf(mb, "\"\n---\nflowchart LR\n"
			   "  start((Start))\n");
	for (i = 0; !err && i < json_array_size(g->actions); i++) {
		const json_t *a = json_array_get(g->actions, i);
		const char *id = jstr(a, "Identifier");
		const char *type = jstr(a, "Type");
		char sum[LABEL_MAX * 4 + 8];

		summary(sum, sizeof(sum), a,
			json_object_get(g->ameta, id ? id : ""));
		err = mbuf_printf(mb, "  a%zu[\"", i);
		err |= mmd_str(mb, type ? type : "?");
		if (sum[0]) {
			err |= mbuf_write_str(mb, "<br/>");
			err |= mmd_str(mb, sum);
		}
		err |= mbuf_printf(mb, "\"]\n");
	}
	start = action_index(g, g->start);
	if (!err && start >= 0)
		err = mbuf_printf(mb, "  start --> a%d\n", start);
	if (!err)
		err = edges_walk(mb, g, mmd_edge);
	return err;
}

/* Graphviz draws the SVG: neato -n2 keeps the positions, dot lays out. */
static int svg_render(const struct mbuf *dot, const char *out,
		      bool positioned)
{
	char tmp[] = "/tmp/callflowctl-graph-XXXXXX";
	const char *prog = positioned ? "neato" : "dot";
	int fd, status, err = 0;
	pid_t pid;

	fd = mkstemp(tmp);
	if (fd < 0)
		return errno;
	if (write(fd, dot->buf, dot->end) != (ssize_t)dot->end)
		err = errno ? errno : EIO;
	(void)close(fd);
	if (err)
		goto out;

	pid = fork();
	if (pid < 0) {
		err = errno;
		goto out;
	}
	if (pid == 0) {
		if (positioned)
			execlp(prog, prog, "-n2", "-Tsvg", "-o", out, tmp,
			       (char *)NULL);
		else
			execlp(prog, prog, "-Tsvg", "-o", out, tmp,
			       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		err = errno;
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "callflowctl: graph: SVG needs Graphviz's "
			"%s program (Debian: apt-get install graphviz); "
			"-o FILE.dot or FILE.mmd need nothing\n", prog);
		err = ENOENT;
	}
	else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "callflowctl: graph: %s failed\n", prog);
		err = EIO;
	}
 out:
	(void)unlink(tmp);
	return err;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcasecmp(s + n - t, tail);
}

static int write_file(const char *path, const struct mbuf *mb)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int err = 0;

	if (!fp)
		return errno;
	if (fwrite(mb->buf, 1, mb->end, fp) != mb->end)
		err = EIO;
	if (fp != stdout && fclose(fp))
		err = err ? err : errno;
	return err;
}

int cmd_graph(int argc, char **argv)
{
	const char *path = NULL, *out = NULL;
	json_t *doc = NULL, *content = NULL;
	struct mbuf *mb = NULL;
	json_error_t jerr;
	struct graph g;
	enum fmt fmt = FMT_DOT;
	char title[256];
	size_t i;
	int err, rc = 1;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < (size_t)argc) {
			out = argv[++i];
		}
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else if ((argv[i][0] == '-' && argv[i][1]) || path) {
			usage(stderr);
			return 2;
		}
		else {
			path = argv[i];
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	if (out && strcmp(out, "-")) {
		if (ends_with(out, ".svg"))
			fmt = FMT_SVG;
		else if (ends_with(out, ".mmd") || ends_with(out, ".mermaid"))
			fmt = FMT_MMD;
		else if (!ends_with(out, ".dot") && !ends_with(out, ".gv")) {
			fprintf(stderr, "callflowctl: graph: %s: the name must "
				"end in .svg, .dot, .gv or .mmd\n", out);
			return 2;
		}
	}

	doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "callflowctl: graph: %s: %s (line %d)\n", path,
			jerr.text, jerr.line);
		goto out;
	}
	if (ctl_flow_content(&content, doc)) {
		fprintf(stderr, "callflowctl: graph: %s: not a flow (no "
			"Actions, no Content)\n", path);
		goto out;
	}

	memset(&g, 0, sizeof(g));
	g.actions = json_object_get(content, "Actions");
	g.meta = json_object_get(content, "Metadata");
	g.ameta = json_object_get(g.meta, "ActionMetadata");
	g.start = jstr(content, "StartAction");
	g.positioned = json_array_size(g.actions) > 0;
	for (i = 0; i < json_array_size(g.actions); i++) {
		const char *id = jstr(json_array_get(g.actions, i),
				      "Identifier");
		double x, y;

		if (!id || !position(json_object_get(g.ameta, id), &x, &y))
			g.positioned = false;
	}
	{
		const json_t *w = json_object_get(doc, "ContactFlow");
		const char *name = jstr(w ? w : doc, "Name");
		const char *base = strrchr(path, '/');

		re_snprintf(title, sizeof(title), "%s", name ? name :
			    base ? base + 1 : path);
		g.title = title;
	}

	mb = mbuf_alloc(8192);
	if (!mb)
		goto out;
	err = fmt == FMT_MMD ? mmd_write(mb, &g) : dot_write(mb, &g);
	if (err) {
		fprintf(stderr, "callflowctl: graph: %s\n", strerror(err));
		goto out;
	}
	if (fmt == FMT_SVG)
		err = svg_render(mb, out, g.positioned);
	else
		err = write_file(out ? out : "-", mb);
	if (err) {
		if (err != ENOENT && err != EIO)
			fprintf(stderr, "callflowctl: graph: %s: %s\n", out,
				strerror(err));
		goto out;
	}
	rc = 0;

 out:
	mem_deref(mb);
	json_decref(content);
	json_decref(doc);
	return rc;
}
