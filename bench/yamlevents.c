/*
 * yamlevents.c: the anchor of bench/yamlbench.sh.  Reads FILE with libyaml's
 * event parser and does nothing with the events: the least any loader built on
 * libyaml can cost.  Prints the number of events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int
main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned long n = 0;
	FILE *f;
	int done = 0;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: yamlevents FILE\n");
		return 2;
	}
	if (!yaml_parser_initialize(&p))
		return 2;
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "yamlevents: %s\n", p.problem ? p.problem : "error");
			return 1;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		n++;
	}
	yaml_parser_delete(&p);
	fclose(f);
	printf("%lu\n", n);
	return 0;
}
