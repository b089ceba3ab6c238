import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Inputs, Outputs } from '../src/constants.ts';

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('action.yml', () => {
  it('declares exactly the inputs the code reads, with the required ones marked', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
    const required = Object.entries(action.inputs).filter(([, input]) => input.required);
    expect(required.map(([name]) => name)).toEqual(['group-id', 'cluster-name']);
  });

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });

  it("puts the contract's defaults in default:", () => {
    expect(action.inputs['cluster-type']?.default).toBe('auto');
    expect(action.inputs.delivery?.default).toBe('artifact');
    expect(action.inputs['retention-days']?.default).toBe('0');
    expect(action.inputs.overwrite?.default).toBe('false');
    expect(action.inputs['wait-timeout']?.default).toBe('30m');
    expect(action.inputs['atlas-base-url']?.default).toBe('https://cloud.mongodb.com');
  });

  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});
