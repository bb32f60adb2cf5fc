// The planned stack as the flow and permission verifiers read it, from a mocked run of the warehouse program.

import { ProgramRun } from "../../support/program";
import { FlowResource } from "../../../policies/flows/stack-index";
import { INTENTS_TYPE, Intents } from "../../../policies/flows/intents";

export function flowResources(run: ProgramRun): FlowResource[] {
    return run.resources.map(r => ({
        type: r.type, name: r.name, urn: r.urn, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
        props: r.custom ? r.inputs : (r.outputs ?? {}),
    }));
}

export function intentsOf(run: ProgramRun): Intents {
    return run.one(INTENTS_TYPE).outputs.intents;
}
