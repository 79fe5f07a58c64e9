package dev.rasp.it;

import static dev.rasp.it.SinkCase.Effect.marker;
import static dev.rasp.it.SinkCase.all;
import static dev.rasp.it.SinkCase.attack;
import static dev.rasp.it.SinkCase.benign;
import static dev.rasp.it.SinkCase.exitAndOutput;
import static dev.rasp.it.SinkCase.ranWithoutMarker;
import static dev.rasp.it.SinkEndpoint.ARCHIVE_DASHDASH;
import static dev.rasp.it.SinkEndpoint.ARCHIVE_TIMEOUT;
import static dev.rasp.it.SinkEndpoint.BACKUP;
import static dev.rasp.it.SinkEndpoint.ECHO_ARG;
import static dev.rasp.it.SinkEndpoint.ENV_EVAL;
import static dev.rasp.it.SinkEndpoint.ENV_GREP;
import static dev.rasp.it.SinkEndpoint.ENV_LINE;
import static dev.rasp.it.SinkEndpoint.ENV_NOTE;
import static dev.rasp.it.SinkEndpoint.FIND_NAME;
import static dev.rasp.it.SinkEndpoint.GIT_GREP;

import java.util.ArrayList;
import java.util.List;

/**
 * Command shapes beyond the first word (Spring's CommandShapesController, routes /cmd2/...): each attack with the rule
 * it must be blocked with and its side effect (the marker {M} an injected {@code touch} creates), and the benign
 * twins, which often carry the same text in a place where it is data.
 */
final class CmdShapesCases {
    private CmdShapesCases() {}

    static final String CHECKPOINT = "--checkpoint-action=exec=touch {M}";

    static List<SinkCase> attackTable() {
        List<SinkCase> all = new ArrayList<>();
        // The client names the variable: BASH_ENV, which bash expands (command substitution included) and sources.
        all.add(attack(ENV_LINE, "cmdi.env", "BASH_ENV=$(touch {M})", marker()));
        // A variable the script re-evaluates is script.
        all.add(attack(ENV_EVAL, "cmdi.env", "hi; touch {M}", marker()));
        // Options of tar behind a wrapper.
        all.add(attack(ARCHIVE_TIMEOUT, "cmdi.option", List.of("--checkpoint=1", CHECKPOINT, "notes.txt"), marker())
            .eventInput("--checkpoint=1", CHECKPOINT));
        // Runtime.exec(String) splits the input into words: -exec is find's.
        all.add(attack(FIND_NAME, "cmdi.option", "* -exec touch {M} ;", marker()));
        // Options of tar in the second command of a script.
        // (quoted: the script splits the unquoted input into words, and the action needs its command in one)
        all.add(attack(BACKUP, "cmdi.option", "--checkpoint=1 '" + CHECKPOINT + "' notes.txt", marker()));
        return all;
    }

    static List<SinkCase> benignTable() {
        List<SinkCase> all = new ArrayList<>();
        all.add(benign(ENV_NOTE, "BASH_ENV=$(touch {M})", "the same text as NOTE's value is printed",
            all(exitAndOutput(0, "ok BASH_ENV=$(touch {M})"), ranWithoutMarker(""))));
        all.add(benign(ENV_NOTE, "hello world", "NOTE is printed", exitAndOutput(0, "ok hello world")));
        all.add(benign(ENV_GREP, "hi; touch {M}", "the same value expanded as data: grep counts 0", ranWithoutMarker("0")));
        all.add(benign(ENV_GREP, "quarterly", "grep counts the line", exitAndOutput(0, "1")));
        all.add(benign(ARCHIVE_TIMEOUT, List.of("notes.txt", "a/b/c.txt"), "archives both", exitAndOutput(0, "a/b/c.txt")));
        all.add(benign(ARCHIVE_DASHDASH, CHECKPOINT, "after -- it is a file name tar does not find", ranWithoutMarker("")));
        all.add(benign(ARCHIVE_DASHDASH, "notes.txt", "archives notes.txt", exitAndOutput(0, "")));
        all.add(benign(FIND_NAME, "*.txt", "finds notes.txt", exitAndOutput(0, "notes.txt")));
        all.add(benign(FIND_NAME, "-exec", "the argument of -name: a pattern nothing matches", ranWithoutMarker("")));
        all.add(benign(BACKUP, "notes.txt a/b/c.txt", "archives both", exitAndOutput(0, "a/b/c.txt")));
        all.add(benign(GIT_GREP, "-Xmx512m", "the argument of -e is a pattern", exitAndOutput(0, "jvm.conf:1:-Xmx512m")));
        all.add(benign(ECHO_ARG, "hi; touch {M}", "$1 is data: printed, no marker",
            all(exitAndOutput(0, "hi; touch {M}"), ranWithoutMarker(""))));
        all.add(benign(ECHO_ARG, "$(touch {M}) 'it's", "$1 is data: printed, no marker",
            all(exitAndOutput(0, "$(touch {M}) 'it's"), ranWithoutMarker(""))));
        return all;
    }
}
