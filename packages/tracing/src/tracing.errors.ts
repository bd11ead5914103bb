/** Base class of every error this library throws. */
export class TracingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A programmer error found at start-up or decoration time: a bad decorator target, an invalid
 * option, a missing service name. The message says what is wrong and how to fix it.
 */
export class TracingConfigError extends TracingError {
  static create(problem: string, solutions: string[]): TracingConfigError {
    const list = solutions.map((solution) => `- ${solution}`).join('\n');
    return new TracingConfigError(`${problem}\n\nPotential solutions:\n${list}`);
  }
}
