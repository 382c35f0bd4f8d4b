import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  classifyImageArgument,
  isDigestOrId,
  isImageId,
  isRegistryDomain,
  isShortImageId,
  nameOnly,
  parseAnyReference,
  parseCanonicalReference,
  parseDockerReference,
  parseRawReference,
  parseReference,
  parseRepositoryName,
  withDefaultTag,
  withDigest,
  withTag,
  type ImageReference,
} from '../../src/docker/reference.js';
import {
  REFERENCE_ERRORS,
  anyReferenceCases,
  dockerRefCases,
  domainAndPathCases,
  domainCases,
  fullNameCases,
  identifierCases,
  invalidComponents,
  invalidReferenceNames,
  invalidRemoteNames,
  normalizedSplitCases,
  parseNamedCases,
  referenceParseCases,
  referenceRegexpCases,
  repositoryInfoCases,
  serializationCases,
  tagAndDigestShortRef,
  validReferenceNames,
  validRemoteNames,
  withDigestCases,
  withNameFailureCases,
  withTagCases,
  type NormalizedName,
} from '../fixtures/reference-cases.js';

const label = (input: string): string => (input === '' ? '<empty>' : input.length > 70 ? `${input.slice(0, 67)}...` : input);

function caught(action: () => unknown): UserError {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected an invalid_reference error, but it parsed');
}

function expectInvalid(action: () => unknown, meaning: string): UserError {
  const err = caught(action);
  expect(err.code).toBe('invalid_reference');
  expect(err.message).toContain(meaning);
  expect(err.hint).toBeTruthy();
  return err;
}

const parts = (reference: ImageReference) => ({
  domain: reference.domain,
  path: reference.path,
  tag: reference.tag,
  digest: reference.digest,
});

const orUndefined = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

describe('distribution/reference reference_test.go', () => {
  describe('TestReferenceParse (parseRawReference)', () => {
    for (const testCase of referenceParseCases) {
      it(label(testCase.input), () => {
        if (testCase.error) {
          expectInvalid(() => parseRawReference(testCase.input), testCase.error);
          return;
        }
        const reference = parseRawReference(testCase.input);
        expect(reference.normalized).toBe(testCase.input);
        expect(reference.name).toBe(testCase.name);
        expect(reference.domain).toBe(testCase.domain);
        expect(reference.tag).toBe(testCase.tag);
        expect(reference.digest).toBe(testCase.digest);
      });
    }
  });

  describe('TestWithNameFailure (parseRepositoryName)', () => {
    for (const testCase of withNameFailureCases) {
      it(label(testCase.input), () => {
        expectInvalid(() => parseRepositoryName(testCase.input), testCase.error);
      });
    }
  });

  describe('TestDomainAndPath (parseRepositoryName)', () => {
    for (const testCase of domainAndPathCases) {
      it(testCase.input, () => {
        const name = parseRepositoryName(testCase.input);
        expect(name.domain).toBe(testCase.domain);
        expect(name.path).toBe(testCase.path);
        expect(name.name).toBe(testCase.input);
      });
    }
  });

  describe('TestSerialization (parseRawReference)', () => {
    for (const testCase of serializationCases) {
      it(testCase.description, () => {
        if (testCase.error) {
          expectInvalid(() => parseRawReference(testCase.input), testCase.error);
          return;
        }
        const reference = parseRawReference(testCase.input);
        expect(reference.name).toBe(testCase.name);
        expect(reference.tag).toBe(testCase.tag);
        expect(reference.digest).toBe(testCase.digest);
        expect(reference.normalized).toBe(testCase.input);
      });
    }
  });

  describe('TestWithTag', () => {
    for (const testCase of withTagCases) {
      it(testCase.combined, () => {
        let reference = parseRepositoryName(testCase.name);
        if (testCase.digest) reference = withDigest(reference, testCase.digest);
        const tagged = withTag(reference, testCase.tag ?? '');
        expect(tagged.normalized).toBe(testCase.combined);
        expect(tagged.tag).toBe(testCase.tag);
        expect(tagged.digest).toBe(testCase.digest);
      });
    }
  });

  describe('TestWithDigest', () => {
    for (const testCase of withDigestCases) {
      it(testCase.combined, () => {
        let reference = parseRepositoryName(testCase.name);
        if (testCase.tag) reference = withTag(reference, testCase.tag);
        const digested = withDigest(reference, testCase.digest ?? '');
        expect(digested.normalized).toBe(testCase.combined);
        expect(digested.tag).toBe(testCase.tag);
        expect(digested.digest).toBe(testCase.digest);
      });
    }
  });

  describe('TestParseNamed (parseCanonicalReference)', () => {
    for (const testCase of parseNamedCases) {
      it(testCase.input, () => {
        if (testCase.error) {
          expectInvalid(() => parseCanonicalReference(testCase.input), testCase.error);
          return;
        }
        const reference = parseCanonicalReference(testCase.input);
        expect(reference.domain).toBe(testCase.domain);
        expect(reference.path).toBe(testCase.path);
      });
    }
  });
});

describe('distribution/reference normalize_test.go', () => {
  const expectNormalized = (name: NormalizedName) => {
    const reference = parseReference(name.input);
    expect(parts(reference)).toEqual({ domain: name.domain, path: name.path, tag: name.tag, digest: undefined });
    expect(reference.name).toBe(`${name.domain}/${name.path}`);
  };

  describe('TestValidateReferenceName', () => {
    for (const name of validReferenceNames) it(`valid: ${name.input}`, () => expectNormalized(name));
    for (const testCase of invalidReferenceNames) {
      it(`invalid: ${testCase.input}`, () => {
        expectInvalid(() => parseReference(testCase.input), testCase.error);
      });
    }
  });

  describe('TestValidateRemoteName', () => {
    for (const name of validRemoteNames) it(`valid: ${name.input}`, () => expectNormalized(name));
    for (const testCase of invalidRemoteNames) {
      it(`invalid: ${label(testCase.input)}`, () => {
        expectInvalid(() => parseReference(testCase.input), testCase.error);
      });
    }
  });

  describe('TestParseRepositoryInfo', () => {
    repositoryInfoCases.forEach((testCase, index) => {
      const inputs = [testCase.familiarName, testCase.fullName, ...(testCase.ambiguousName ? [testCase.ambiguousName] : [])];
      for (const input of inputs) {
        it(`${index}/${input}`, () => {
          const reference = parseReference(input);
          expect(reference.familiarName).toBe(testCase.familiarName);
          expect(reference.normalized).toBe(testCase.fullName);
          expect(reference.name).toBe(testCase.fullName);
          expect(reference.domain).toBe(testCase.domain);
          expect(reference.path).toBe(testCase.remoteName);
        });
      }
    });
  });

  it('TestParseReferenceWithTagAndDigest', () => {
    const reference = parseReference(tagAndDigestShortRef);
    expect(reference.normalized).toBe(`docker.io/library/${tagAndDigestShortRef}`);
    expect(reference.tag).toBe('latest');
    expect(reference.digest).toBe('sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
    expect(reference.familiar).toBe(tagAndDigestShortRef);
  });

  it('TestInvalidReferenceComponents', () => {
    expectInvalid(() => parseReference(invalidComponents.name), REFERENCE_ERRORS.invalidFormat);
    const reference = parseReference(invalidComponents.validName);
    expect(reference.normalized).toBe('docker.io/library/busybox');
    expectInvalid(() => withTag(reference, invalidComponents.tag), 'invalid tag');
    expectInvalid(() => withDigest(reference, invalidComponents.digest), 'invalid digest');
  });

  describe('TestParseAnyReference', () => {
    for (const testCase of anyReferenceCases) {
      it(testCase.reference, () => {
        const result = parseAnyReference(testCase.reference);
        if (testCase.id) {
          expect(result).toEqual({ kind: 'id', id: testCase.equivalent });
          return;
        }
        if (result.kind !== 'reference') throw new Error(`expected a reference, got ${JSON.stringify(result)}`);
        expect(result.reference.normalized).toBe(testCase.equivalent);
        expect(parts(result.reference)).toEqual(parts(parseRawReference(testCase.equivalent)));
      });
    }
  });

  describe('TestNormalizedSplitHostname', () => {
    for (const testCase of normalizedSplitCases) {
      it(testCase.input, () => {
        const reference = parseReference(testCase.input);
        expect(reference.domain).toBe(testCase.domain);
        expect(reference.path).toBe(testCase.path);
      });
    }
  });

  describe('TestParseDockerRef', () => {
    for (const testCase of dockerRefCases) {
      it(testCase.name, () => {
        const reference = parseDockerReference(testCase.input);
        expect(reference.normalized).toBe(testCase.expected);
        expect(parseRawReference(reference.normalized).normalized).toBe(testCase.expected);
      });
    }
  });
});

describe('distribution/reference regexp_test.go', () => {
  describe('TestDomainRegexp (isRegistryDomain)', () => {
    for (const testCase of domainCases) {
      it(`${testCase.input} -> ${testCase.match}`, () => {
        expect(isRegistryDomain(testCase.input)).toBe(testCase.match);
      });
    }
  });

  describe('TestFullNameRegexp (parseRepositoryName)', () => {
    for (const testCase of fullNameCases) {
      it(`${label(testCase.input)} -> ${testCase.match}`, () => {
        if (!testCase.match) {
          expectInvalid(() => parseRepositoryName(testCase.input), REFERENCE_ERRORS.invalidFormat);
          return;
        }
        const name = parseRepositoryName(testCase.input);
        expect([name.domain, name.path]).toEqual(testCase.subs);
      });
    }
  });

  describe('TestReferenceRegexp (parseRawReference)', () => {
    for (const testCase of referenceRegexpCases) {
      it(`${testCase.input} -> ${testCase.match}`, () => {
        if (!testCase.match || !testCase.subs) {
          expectInvalid(() => parseRawReference(testCase.input), REFERENCE_ERRORS.invalidFormat);
          return;
        }
        const [name, tag, digest] = testCase.subs;
        const reference = parseRawReference(testCase.input);
        expect(reference.name).toBe(name);
        expect(reference.tag).toBe(orUndefined(tag));
        expect(reference.digest).toBe(orUndefined(digest));
      });
    }
  });

  describe('TestIdentifierRegexp (isImageId)', () => {
    for (const testCase of identifierCases) {
      it(`${testCase.input} -> ${testCase.match}`, () => {
        expect(isImageId(testCase.input)).toBe(testCase.match);
      });
    }
  });
});

describe('Docker normalisation and familiar forms', () => {
  it('gives an official image the Hub domain and library namespace, and no tag until asked', () => {
    const reference = parseReference('ubuntu');
    expect(reference).toEqual({
      domain: 'docker.io',
      path: 'library/ubuntu',
      name: 'docker.io/library/ubuntu',
      familiarName: 'ubuntu',
      normalized: 'docker.io/library/ubuntu',
      familiar: 'ubuntu',
    });
    const tagged = withDefaultTag(reference);
    expect(tagged.tag).toBe('latest');
    expect(tagged.normalized).toBe('docker.io/library/ubuntu:latest');
    expect(tagged.familiar).toBe('ubuntu:latest');
    expect(parseDockerReference('ubuntu').normalized).toBe('docker.io/library/ubuntu:latest');
  });

  it('keeps a user namespace on the Hub', () => {
    const reference = parseReference('user/repo:1.0');
    expect(parts(reference)).toEqual({ domain: 'docker.io', path: 'user/repo', tag: '1.0', digest: undefined });
    expect(reference.normalized).toBe('docker.io/user/repo:1.0');
    expect(reference.familiar).toBe('user/repo:1.0');
  });

  it('reads localhost with and without a port as a registry', () => {
    const withPort = parseReference('localhost:5000/x');
    expect(parts(withPort)).toEqual({ domain: 'localhost:5000', path: 'x', tag: undefined, digest: undefined });
    expect(withPort.familiar).toBe('localhost:5000/x');
    expect(parseReference('localhost/team/app:dev').domain).toBe('localhost');
    // A bare "localhost" is an official image name, as in the Docker CLI.
    expect(parseReference('localhost').normalized).toBe('docker.io/library/localhost');
  });

  it('maps index.docker.io to docker.io', () => {
    const reference = parseReference('index.docker.io/user/repo');
    expect(reference.domain).toBe('docker.io');
    expect(reference.familiar).toBe('user/repo');
  });

  it('handles IPv6 registries, punycode and tag plus digest together', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const reference = parseReference(`[::1]:5000/xn--7o8h/app:v1@${digest}`);
    expect(parts(reference)).toEqual({ domain: '[::1]:5000', path: 'xn--7o8h/app', tag: 'v1', digest });
    expect(reference.familiar).toBe(`[::1]:5000/xn--7o8h/app:v1@${digest}`);
    expect(nameOnly(reference).normalized).toBe('[::1]:5000/xn--7o8h/app');
    expect(parseDockerReference(`nginx:1.27@${digest}`).normalized).toBe(`docker.io/library/nginx@${digest}`);
  });

  it('keeps library/ on nested official paths and on other registries', () => {
    expect(parseReference('docker.io/library/foo/bar').familiar).toBe('library/foo/bar');
    expect(parseReference('gcr.io/library/busybox').familiar).toBe('gcr.io/library/busybox');
  });

  it('accepts every separator the grammar allows in path components', () => {
    expect(parseReference('a.b_c__d---e/f').path).toBe('a.b_c__d---e/f');
  });

  it('validates digest lengths per algorithm and rejects unknown algorithms', () => {
    expect(parseReference(`x@sha384:${'b'.repeat(96)}`).digest).toBe(`sha384:${'b'.repeat(96)}`);
    expect(parseReference(`x@sha512:${'c'.repeat(128)}`).digest).toBe(`sha512:${'c'.repeat(128)}`);
    expectInvalid(() => parseReference(`x@sha256:${'a'.repeat(63)}`), 'sha256 has 64 hex characters, this one has 63');
    expectInvalid(() => parseReference(`x@sha512:${'a'.repeat(64)}`), 'sha512 has 128 hex characters, this one has 64');
    expectInvalid(() => parseReference(`x@sha256:${'A'.repeat(64)}`), 'hex must be lowercase');
    expectInvalid(() => parseReference(`x@md5:${'a'.repeat(32)}`), 'unsupported digest algorithm "md5"');
    expectInvalid(() => parseReference(`x@SHA256:${'a'.repeat(64)}`), 'must be lowercase');
  });
});

describe('messages that say what is wrong', () => {
  it('names the uppercase part and suggests the lowercase name', () => {
    const err = expectInvalid(() => parseReference('MyApp:Latest'), 'repository name must be lowercase ("library/MyApp")');
    expect(err.hint).toBe('did you mean "myapp:Latest"?');
  });

  it('names a bad tag', () => {
    expectInvalid(() => parseReference('nginx:-1'), 'tag "-1" must not start with "-"');
    expectInvalid(() => parseReference('nginx:a~b'), 'tag "a~b" may only contain');
    expectInvalid(() => parseReference(`nginx:${'t'.repeat(129)}`), 'tag is 129 characters long, at most 128');
    expectInvalid(() => parseReference('nginx:'), 'the tag after ":" is empty');
  });

  it('names a bad path component, registry or digest', () => {
    expectInvalid(() => parseReference('team/my_app!'), 'path component "my_app!"');
    expectInvalid(() => parseReference('registry.example.com:port/app'), 'registry "registry.example.com:port" is not a valid host[:port]');
    expectInvalid(() => parseReference('app@sha256:abc'), 'digest "sha256:abc" is not algorithm:hex');
    expectInvalid(() => parseReference('team//app'), 'empty component');
    expectInvalid(() => parseReference('nginx latest'), 'whitespace');
    expectInvalid(() => parseRawReference('[2001:db8::1]:5000'), 'a repository path must follow it');
  });

  it('says how long a too-long name is', () => {
    expectInvalid(() => parseReference(`example.com/${'a'.repeat(300)}`), 'not be more than 255 characters (this one has 300)');
  });

  it('refuses an empty reference and a 64-hex name', () => {
    expectInvalid(() => parseReference(''), REFERENCE_ERRORS.nameEmpty);
    expectInvalid(() => parseReference('a'.repeat(64)), REFERENCE_ERRORS.hexName);
  });

  it('shows the full form when a canonical reference is required', () => {
    const err = expectInvalid(() => parseCanonicalReference('nginx:1.27'), REFERENCE_ERRORS.notCanonical);
    expect(err.hint).toContain('docker.io/library/nginx:1.27');
  });
});

describe('image IDs and names', () => {
  const id = 'da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821';

  it('treats 64 hex characters and full digests as IDs only', () => {
    expect(isDigestOrId(id)).toBe(true);
    expect(isDigestOrId(`sha256:${id}`)).toBe(true);
    expect(isDigestOrId('0123abcd')).toBe(false);
    expect(isDigestOrId('nginx')).toBe(false);
    expect(isDigestOrId(`sha256:${id.slice(1)}`)).toBe(false);
    expect(classifyImageArgument(id)).toEqual({ kind: 'id', id: `sha256:${id}` });
    expect(classifyImageArgument(`sha256:${id}`)).toEqual({ kind: 'id', id: `sha256:${id}` });
  });

  it('treats short hex as an ID prefix that may also be a name', () => {
    expect(isShortImageId('0123abcd')).toBe(true);
    expect(isShortImageId('sha256:0123abcd')).toBe(true);
    expect(isShortImageId(id)).toBe(false);
    expect(isShortImageId('nginx')).toBe(false);
    const argument = classifyImageArgument('0123abcd');
    expect(argument.kind).toBe('id-prefix');
    if (argument.kind !== 'id-prefix') return;
    expect(argument.prefix).toBe('0123abcd');
    expect(argument.reference?.normalized).toBe('docker.io/library/0123abcd');
  });

  it('parses anything else as a reference and rejects invalid ones', () => {
    const argument = classifyImageArgument('nginx:1.27');
    expect(argument.kind).toBe('reference');
    if (argument.kind === 'reference') expect(argument.reference.normalized).toBe('docker.io/library/nginx:1.27');
    expectInvalid(() => classifyImageArgument('Nginx'), REFERENCE_ERRORS.uppercase);
  });
});

describe('hostile input', () => {
  it('answers quickly on long inputs that nearly match', () => {
    const inputs = [
      `${'a'.repeat(50_000)}!`,
      `${'a-'.repeat(25_000)}!`,
      `${'a.'.repeat(25_000)}a:`,
      `${'ab-'.repeat(20_000)}/x!`,
      `${'a__'.repeat(20_000)}`,
      `x:${'1'.repeat(50_000)}/y@`,
      `[${':'.repeat(50_000)}`,
    ];
    const started = performance.now();
    for (const input of inputs) expect(() => parseReference(input)).toThrow(UserError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
