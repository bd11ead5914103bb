import type { Node, Program, TypeChecker } from 'typescript';
import { relative } from 'node:path';
import type { SourceLocation } from '../types.js';
import type { TypeScript } from './load-typescript.js';

/** What every analysis step reads: the compiler, its checker, and the root paths are shown relative to. */
export interface AnalysisContext {
  ts: TypeScript;
  program: Program;
  checker: TypeChecker;
  /** Locations are shown relative to this folder. */
  root: string;
}

/** Where a node is: its file relative to the root, 1-based line. */
export function locationOf(context: AnalysisContext, node: Node): SourceLocation {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { file: relative(context.root, file.fileName) || file.fileName, line: line + 1 };
}
