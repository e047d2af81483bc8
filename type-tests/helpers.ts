/**
 * `Expect<Equal<A, B>>` (as in ts-pattern and type-challenges): compiles only
 * when A and B are the same type, under every compiler, without tsd.
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export type Expect<Check extends true> = Check;
