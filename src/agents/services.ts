/**
 * Type-level code only: which application services an agent's tools need,
 * and the check that a step (or a standalone call) provides them.
 */
type Intersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends (value: infer Both) => void ? Both : never;

/** The services every tool of `Tools` needs, together (`{}` when none needs any). */
export type ToolServices<Tools> = [keyof Tools] extends [never]
  ? {}
  : Intersection<{ [Name in keyof Tools]-?: Tools[Name] extends { readonly "~services"?: () => infer Services } ? Services : {} }[keyof Tools]>;

/**
 * What a call's agent argument must also be: nothing more when `Provided`
 * has every service the agent's tools need (`Needed`); else an object whose
 * one property is the message and whose value names the missing services,
 * which the compiler prints as "Property '…' is missing".
 */
export type ProvidesServices<Provided, Needed> = [Provided] extends [Needed]
  ? unknown
  : { readonly "The agent's tools need services that this pipeline does not declare: add them to its withServices<...>()": MissingServices<Provided, Needed> };

/** The names of the services missing from `Provided`, or what to look at when all are there but of other types. */
type MissingServices<Provided, Needed> = [Exclude<keyof Needed, keyof Provided>] extends [never]
  ? "(every name is there, but some service has another type)"
  : Exclude<keyof Needed, keyof Provided>;
