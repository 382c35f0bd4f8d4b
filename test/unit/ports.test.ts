import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  describePorts,
  formatPortBinding,
  formatPortMapping,
  parsePortNumber,
  parsePortRange,
  parsePortSpec,
  parsePortSpecs,
  portKey,
  splitProtoPort,
} from '../../src/docker/ports.js';
import {
  benchmarkSpecGroups,
  invalidSpecCases,
  newPortCases,
  parsePortCases,
  portBindingCases,
  portNumberCases,
  portRangeCases,
  portSpecMappingCases,
  portSpecsCases,
  splitProtoPortCases,
  stringerCases,
} from '../fixtures/port-cases.js';

function expectInvalid(action: () => unknown, meaning: string): UserError {
  let error: unknown;
  try {
    action();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UserError);
  const userError = error as UserError;
  expect(userError.code).toBe('invalid_argument');
  expect(userError.message).toContain(meaning);
  expect(userError.hint).toBeTruthy();
  return userError;
}

const mappingsOf = (spec: string) => parsePortSpec(spec).map(({ port, binding }) => ({ port, binding }));

// Where dockbot's entry points knowingly differ from go-connections' exported ones.
const DIFFERENCES = [
  {
    upstream: 'TestParsePort "empty value": ParsePort("") returns 0',
    reason: 'a convenience of ParsePort for optional Go fields; dockbot has no such entry point, and parsePortNumber("") refuses an empty value as go-connections\' parsePortNumber does',
  },
  {
    upstream: 'TestParsePortRangeToInt: ParsePortRangeToInt("") returns 0, 0',
    reason: 'the same convenience for ranges; parsePortRange("") refuses it as go-connections\' ParsePortRange does',
  },
];

describe('go-connections nat_test.go', () => {
  describe('TestParsePortSpecFull, TestPartPortSpecIPV6 (parsePortSpec)', () => {
    for (const testCase of portSpecMappingCases) {
      it(`${testCase.name}: ${testCase.spec}`, () => {
        expect(mappingsOf(testCase.spec)).toEqual(testCase.mappings);
      });
    }
  });

  describe('TestParsePortSpecs, TestParsePortSpecsWithRange, TestParseNetworkOpts* (parsePortSpecs)', () => {
    for (const testCase of portSpecsCases) {
      it(testCase.name, () => {
        const result = parsePortSpecs(testCase.specs);
        expect(Object.keys(result.exposedPorts).sort()).toEqual([...testCase.exposedPorts].sort());
        for (const value of Object.values(result.exposedPorts)) expect(value).toEqual({});
        expect(result.portBindings).toEqual(testCase.portBindings);
      });
    }
  });

  describe('refused specs', () => {
    for (const testCase of invalidSpecCases) {
      it(`${testCase.name}: "${testCase.spec}"`, () => {
        expectInvalid(() => parsePortSpec(testCase.spec), testCase.error);
        expectInvalid(() => parsePortSpecs([testCase.spec]), testCase.error);
      });
    }
  });

  it('BenchmarkParsePortSpecs inputs all parse', () => {
    const bound = benchmarkSpecGroups.map((group) => Object.keys(parsePortSpecs(group).portBindings).length);
    expect(bound).toEqual([3, 3, 3, 9, 9, 9, 1, 1, 1, 1]);
  });

  describe('TestStringer (formatPortMapping)', () => {
    for (const testCase of stringerCases) {
      it(testCase.doc, () => {
        const mappings = parsePortSpec(testCase.input);
        expect(mappings).toHaveLength(1);
        expect(formatPortMapping(mappings[0]!)).toBe(testCase.expected);
      });
    }
  });

  describe('TestPortBinding (formatPortBinding)', () => {
    for (const testCase of portBindingCases) {
      it(testCase.doc, () => {
        expect(formatPortBinding(testCase.binding)).toBe(testCase.expect);
      });
    }
  });

  describe('TestSplitProtoPort (splitProtoPort)', () => {
    for (const testCase of splitProtoPortCases) {
      it(testCase.doc, () => {
        expect(splitProtoPort(testCase.input)).toEqual({ protocol: testCase.protocol, port: testCase.port });
      });
    }
  });

  describe('TestPort (portKey)', () => {
    for (const testCase of newPortCases) {
      it(`${testCase.protocol}, ${testCase.port}`, () => {
        if (testCase.error) expectInvalid(() => portKey(testCase.protocol, testCase.port), 'invalid port range');
        else expect(portKey(testCase.protocol, testCase.port)).toBe(testCase.key);
      });
    }
  });

  describe('TestParsePort (parsePortNumber)', () => {
    for (const testCase of parsePortCases) {
      it(testCase.doc, () => {
        if (testCase.input === '') {
          // Listed in DIFFERENCES: ParsePort's empty-means-zero convenience.
          expect(DIFFERENCES[0]?.upstream).toContain('ParsePort("")');
          expectInvalid(() => parsePortNumber(testCase.input), 'value is empty');
          return;
        }
        if (testCase.error) expectInvalid(() => parsePortNumber(testCase.input), testCase.error);
        else expect(parsePortNumber(testCase.input)).toBe(testCase.value);
      });
    }
  });

  it('TestParsePortRangeToInt', () => {
    expect(parsePortRange('8000-9000')).toEqual({ start: 8000, end: 9000 });
    // Listed in DIFFERENCES: empty is refused rather than read as 0-0.
    expect(DIFFERENCES[1]?.upstream).toContain('ParsePortRangeToInt("")');
    expectInvalid(() => parsePortRange(''), 'empty string specified for ports');
  });
});

describe('go-connections parse_test.go', () => {
  describe('TestParsePortRange (parsePortRange)', () => {
    for (const testCase of portRangeCases) {
      it(testCase.doc, () => {
        if (testCase.error) expectInvalid(() => parsePortRange(testCase.input), testCase.error);
        else expect(parsePortRange(testCase.input)).toEqual({ start: testCase.start, end: testCase.end });
      });
    }
  });

  describe('TestParsePortNumber (parsePortNumber)', () => {
    for (const testCase of portNumberCases) {
      it(testCase.doc, () => {
        if (testCase.error) expectInvalid(() => parsePortNumber(testCase.input), testCase.error);
        else expect(parsePortNumber(testCase.input)).toBe(testCase.value);
      });
    }
  });
});

describe('run -p as dockbot uses it', () => {
  it('maps a host range onto a container range port by port', () => {
    const mappings = mappingsOf('8000-8010:80-90');
    expect(mappings).toHaveLength(11);
    expect(mappings[0]).toEqual({ port: '80/tcp', binding: { HostIp: '', HostPort: '8000' } });
    expect(mappings[10]).toEqual({ port: '90/tcp', binding: { HostIp: '', HostPort: '8010' } });
  });

  it('lets the engine pick from a host range for a single container port', () => {
    expect(mappingsOf('127.0.0.1:8000-8010:80/udp')).toEqual([{ port: '80/udp', binding: { HostIp: '127.0.0.1', HostPort: '8000-8010' } }]);
  });

  it('builds the Engine API create body, merging bindings of the same port', () => {
    const result = parsePortSpecs(['127.0.0.1:8080:80', '[::1]:8080:80', '53:53/UDP', '9000']);
    expect(result.exposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '9000/tcp': {} });
    expect(result.portBindings).toEqual({
      '80/tcp': [
        { HostIp: '127.0.0.1', HostPort: '8080' },
        { HostIp: '::1', HostPort: '8080' },
      ],
      '53/udp': [{ HostIp: '', HostPort: '53' }],
      '9000/tcp': [{ HostIp: '', HostPort: '' }],
    });
    expect(result.mappings.map((mapping) => [mapping.containerPort, mapping.protocol])).toEqual([
      [80, 'tcp'],
      [80, 'tcp'],
      [53, 'udp'],
      [9000, 'tcp'],
    ]);
  });

  it('reads empty brackets as no host IP, as go-connections does', () => {
    expect(mappingsOf('[]:80:80')).toEqual([{ port: '80/tcp', binding: { HostIp: '', HostPort: '80' } }]);
  });

  it('says exactly what is wrong', () => {
    expectInvalid(() => parsePortSpec('80/http'), 'invalid proto "http"');
    expectInvalid(() => parsePortSpec('80/tcp/x'), 'invalid proto "tcp/x"');
    expectInvalid(() => parsePortSpec('65536'), 'invalid containerPort "65536": value out of range (0–65535)');
    expectInvalid(() => parsePortSpec('abc:80'), 'invalid hostPort "abc": invalid syntax');
    expectInvalid(() => parsePortSpec('9000-8000:80'), 'invalid hostPort "9000-8000": invalid range specified for port');
    expectInvalid(() => parsePortSpec('8000-8005:80-90'), 'invalid ranges specified for container and host Ports: 80-90 and 8000-8005');
    expectInvalid(() => parsePortSpec('[fe80::1%eth0]:80:80'), 'invalid IP address "fe80::1%eth0"');
    expectInvalid(() => parsePortSpec('[::1:80:80'), 'invalid IP address "[::1"');
    expectInvalid(() => parsePortSpec('01.2.3.4:80:80'), 'invalid IP address "01.2.3.4"');
    const err = expectInvalid(() => parsePortSpec('web:80:80'), 'invalid IP address "web"');
    expect(err.message).toContain('"web:80:80"');
    expect(err.hint).toContain('[ip:][hostPort:]containerPort[/proto]');
  });

  it('describes published ports for people', () => {
    expect(describePorts(parsePortSpecs([]))).toBe('no published ports');
    expect(describePorts(parsePortSpecs(['8080:80', '127.0.0.1::53/udp', '[::1]:9000:9000']))).toBe(
      '8080->80/tcp, 127.0.0.1:random->53/udp, [::1]:9000->9000/tcp',
    );
    expect(describePorts(parsePortSpecs(['8000-8010:80-90', '7000-7005:5000']))).toBe('8000-8010->80-90/tcp, free port in 7000-7005->5000/tcp');
    expect(describePorts(parsePortSpec('1234-1236/udp'))).toBe('random->1234-1236/udp');
  });
});
