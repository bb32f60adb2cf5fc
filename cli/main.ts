// The entry point: parse the command line, dispatch to a command, and decide the exit code in one place.

import { parseArgs } from "node:util";
import type { Command, Io } from "./commands/command";
import { COMMANDS } from "./commands";
import { EXIT, UsageError, reportFailure } from "./errors";
import { PROGRAM_NAME } from "./paths";

export function processIo(): Io {
    return {
        // Under `npm run`, the process runs in the package root; paths on the command line are the user's.
        cwd: process.env.INIT_CWD ?? process.cwd(),
        env: process.env,
        out: text => process.stdout.write(text),
        err: text => process.stderr.write(text),
        interactive: process.stderr.isTTY === true && process.env.CI === undefined,
    };
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
    try {
        return await dispatch(COMMANDS, argv, io, PROGRAM_NAME);
    } catch (err) {
        const failure = reportFailure(err, PROGRAM_NAME, io.env);
        for (const line of failure.lines) io.err(`${line}\n`);
        return failure.code;
    }
}

async function dispatch(commands: readonly Command[], argv: readonly string[], io: Io, prefix: string): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        // Asked for, the usage is the output; missing a command, it is the error's explanation.
        if (name === undefined) {
            io.err(overview(commands, prefix));
            return EXIT.failed;
        }
        io.out(overview(commands, prefix));
        return EXIT.ok;
    }
    const command = commands.find(c => c.name === name);
    if (!command) {
        throw new UsageError(`unknown command '${name}'; commands: ${commands.map(c => c.name).join(", ")}`);
    }
    if (command.subcommands?.some(s => s.name === rest[0])) {
        return dispatch(command.subcommands, rest, io, `${prefix} ${command.name}`);
    }
    let parsed;
    try {
        parsed = parseArgs({ args: attachNegativeValues(rest, command.options), options: command.options, strict: true,
            allowPositionals: false });
    } catch (err) {
        throw new UsageError(`${command.name}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (parsed.values.help) {
        io.out(`${command.help}\n`);
        return EXIT.ok;
    }
    return command.run(parsed.values, parsed.positionals, io);
}

/**
 * `--flag -3` as `--flag=-3` for a flag that takes a value: node's parser reads `-3` as an option and refuses the
 * pair with its own message; joined, the command's validation answers with the rule the value breaks.
 */
function attachNegativeValues(args: readonly string[], options: Command["options"]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const flag = args[i].startsWith("--") ? args[i].slice(2) : undefined;
        const next = args[i + 1];
        if (flag && options[flag]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
            out.push(`${args[i]}=${next}`);
            i++;
        } else {
            out.push(args[i]);
        }
    }
    return out;
}

function overview(commands: readonly Command[], prefix: string): string {
    const width = Math.max(...commands.map(c => c.name.length));
    return `usage: ${prefix} <command> [flags]   (${prefix} <command> --help for its flags)

${commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}
`;
}
