package dev.pkauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** The CLI's help, checked over picocli's own model of every command: nothing undocumented. */
class CliHelpTest {
    static List<CommandLine> all(CommandLine cmd) {
        List<CommandLine> out = new ArrayList<>(List.of(cmd));
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!out.contains(sub)) out.addAll(all(sub));
        }
        return out;
    }

    @Test
    void everyOptionAndParameterOfEveryCommandHasADescription() {
        List<String> undocumented = new ArrayList<>();
        for (CommandLine cmd : all(PkauthCli.commandLine())) {
            CommandSpec spec = cmd.getCommandSpec();
            for (ArgSpec arg : spec.args()) {
                boolean described = arg.description().length > 0 && !String.join("", arg.description()).isBlank();
                if (!described) {
                    undocumented.add(spec.qualifiedName() + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName()
                            : ((CommandLine.Model.PositionalParamSpec) arg).paramLabel()));
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void everyCommandsHelpListsTheExitCodes() {
        for (CommandLine cmd : all(PkauthCli.commandLine())) {
            if (cmd.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) continue;
            assertThat(cmd.getUsageMessage(CommandLine.Help.Ansi.OFF)).as(cmd.getCommandName())
                    .contains("Exit codes:", "2   usage error", "3   store unavailable");
        }
    }

    @Test
    void everyCommandsHelpHasExamplesThatParse() {
        for (CommandLine cmd : all(PkauthCli.commandLine())) {
            if (cmd.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) continue;
            String name = cmd.getCommandSpec().qualifiedName();
            assertThat(PkauthCli.EXAMPLES).as(name).containsKey(name);
            String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(usage).as(name).contains("Examples:");
            // "Exit codes" come before the footer; the examples are the help's last lines.
            assertThat(usage.indexOf("Exit codes:")).as(name).isLessThan(usage.indexOf("Examples:"));
            for (String example : PkauthCli.EXAMPLES.get(name)) {
                assertThat(usage).contains("  " + example);
                if (!example.startsWith("pkauth ")) continue; // shell lines around the jar
                String[] args = example.substring("pkauth ".length()).replace(" < token.txt", "").split(" ");
                // Parses as written: a typo'd option or a missing value fails here, not in a user's shell.
                PkauthCli.commandLine().parseArgs(args);
            }
        }
    }
}
