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
}
