/**
 * The object a step function receives. Its AbortSignal is created only when a
 * step reads it, so steps that never look at it pay nothing.
 */
import type { RuntimeStepContext } from "../definition.js";
import { stopRequest, type StopRequest } from "../stop.js";
import type { CompiledStep } from "./plan.js";
import { StepStatus, type RunState } from "./state.js";

/** The services and input shared by every step of one run. */
export interface RunScope {
  readonly pipeline: string;
  readonly input: unknown;
  readonly services: unknown;
  readonly state: RunState;
}

/** A step attempt's context. */
export class AttemptContext implements RuntimeStepContext {
  private controller: AbortController | undefined;

  constructor(
    readonly scope: RunScope,
    readonly step: CompiledStep,
    readonly attempt: number,
  ) {}

  get input(): unknown {
    return this.scope.input;
  }

  get services(): unknown {
    return this.scope.services;
  }

  get stepId(): string {
    return this.step.id;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  dep(id: string): unknown {
    this.assertDeclared(id, "dep");
    if (this.scope.state.status[this.step.deps[this.indexOfDep(id)]!] !== StepStatus.Succeeded) {
      throw new Error(
        `Step "${this.step.id}" read ctx.dep("${id}"), but "${id}" was skipped by its \`when\` condition. Use ctx.depOrUndefined("${id}") for a step that may be skipped.`,
      );
    }
    return this.scope.state.outputs[id];
  }

  depOrUndefined(id: string): unknown {
    this.assertDeclared(id, "depOrUndefined");
    return this.scope.state.outputs[id];
  }

  stop<Payload>(payload: Payload): StopRequest<Payload> {
    return stopRequest(payload);
  }

  /** Aborts the signal, if anyone asked for it. */
  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }

  private indexOfDep(id: string): number {
    return this.step.definition.after.indexOf(id);
  }

  private assertDeclared(id: string, method: string): void {
    if (!this.step.depIds.has(id)) {
      const declared = this.step.definition.after.map((dep) => `"${dep}"`).join(", ") || "none";
      throw new Error(
        `Step "${this.step.id}" called ctx.${method}("${id}"), but "${id}" is not in its \`after\` list (declared: ${declared}). Add it to \`after\` so the step waits for it.`,
      );
    }
  }
}
