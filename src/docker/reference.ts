// Image references, parsed and validated by the grammar of distribution/reference and
// normalised the way the Docker CLI does it (`ubuntu` -> `docker.io/library/ubuntu`).
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | IPv4address | \[ IPv6address \]
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   remote-name      := path-component ['/' path-component]*
//   path-component   := /[a-z0-9]+/ [separator /[a-z0-9]+/]*
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" /[0-9a-fA-F]{32,}/, then checked per algorithm
//
// Parsing never touches the network; the result is plain data.
import { UserError } from '../core/errors.js';

export interface ImageReference {
  /** Registry host with optional port: `docker.io`, `localhost:5000`, `[::1]:5000`; '' only from parseRawReference. */
  readonly domain: string;
  /** Repository path inside the registry: `library/ubuntu`. */
  readonly path: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest?: string;
  /** `domain/path` (just `path` when there is no domain). */
  readonly name: string;
  /** The name as docker prints it: `ubuntu`, `user/app`, `ghcr.io/org/app`. */
  readonly familiarName: string;
  /** The whole reference written out in full: `docker.io/library/ubuntu:22.04`. */
  readonly normalized: string;
  /** The whole reference as docker prints it: `ubuntu:22.04`. */
  readonly familiar: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
export const REPOSITORY_NAME_MAX_LENGTH = 255;

const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

// The grammar above, as regular expression sources.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
// Zone identifiers and IPv4-mapped forms are deliberately not part of the grammar.
const IPV6_ADDRESS = '\\[[a-fA-F0-9:]+\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const IMAGE_ID_RE = /^[a-f0-9]{64}$/;
const SHORT_IMAGE_ID_RE = /^(?:sha256:)?[a-f0-9]{1,63}$/;

// Digest algorithms Docker registers (go-digest with crypto/sha256 and crypto/sha512), with
// their lengths in hex characters. Their hex must be lowercase.
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
// What go-digest accepts as a well-formed digest of an algorithm it does not know.
const WELL_FORMED_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const REFERENCE_HINT =
  'an image reference looks like [registry[:port]/]name[:tag][@digest], e.g. nginx:1.27, user/app or ghcr.io/org/app@sha256:<64 hex>';

/**
 * Parses what a user typed as Docker does (`docker pull`, `docker run`): a familiar name gets
 * Docker Hub's domain and, for single names, the `library/` namespace. No tag is added: see
 * withDefaultTag.
 */
export function parseReference(input: string): ImageReference {
  if (input === '') throw emptyReference();
  if (IMAGE_ID_RE.test(input)) {
    throw invalid(input, 'cannot specify 64-byte hexadecimal strings: Docker reads them as image IDs, never as repository names', {
      hint: 'to name a repository, add a registry or namespace (docker.io/library/<name>) or use a non-hex name',
    });
  }
  const { domain, remainder } = splitDockerDomain(input);
  const repository = remainder.split(/[:@]/, 1)[0] ?? '';
  if (repository.toLowerCase() !== repository) {
    throw invalid(input, `repository name must be lowercase ("${repository}")`, {
      hint: `did you mean "${lowercaseName(input)}"?`,
    });
  }
  return parseByGrammar(`${domain}/${remainder}`, input);
}

/**
 * Parses a reference exactly by the grammar, without Docker's defaults: `ubuntu` stays
 * `ubuntu` with no domain, and in `foo/bar` the `foo` is the domain (distribution's Parse).
 */
export function parseRawReference(input: string): ImageReference {
  return parseByGrammar(input, input);
}

// `typed` is what the user wrote, for messages; `input` may carry the domain Docker added.
function parseByGrammar(input: string, typed: string): ImageReference {
  if (input === '') throw emptyReference();
  const match = REFERENCE_RE.exec(input);
  if (!match) {
    const lowered = input.toLowerCase();
    if (lowered !== input && REFERENCE_RE.test(lowered)) {
      throw invalid(typed, 'repository name must be lowercase', { hint: `did you mean "${lowercaseName(typed)}"?` });
    }
    // Explain in terms of what the user wrote, not the Docker Hub prefix added to it.
    throw invalid(typed, explainInvalidFormat(typed));
  }
  const [, name = '', tag, digest] = match;
  const { domain, path } = splitName(name);
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) throw nameTooLong(typed, path);
  if (digest !== undefined) checkDigest(digest, typed);
  return buildReference(domain, path, tag, digest);
}

/**
 * As Docker's engine-facing form (distribution's ParseDockerRef): a bare name gets `:latest`,
 * and when both a tag and a digest are given only the digest is kept, since it decides.
 */
export function parseDockerReference(input: string): ImageReference {
  const reference = parseReference(input);
  if (reference.tag !== undefined && reference.digest !== undefined) {
    return buildReference(reference.domain, reference.path, undefined, reference.digest);
  }
  return withDefaultTag(reference);
}

/** A reference that must already be written in full (`docker.io/library/ubuntu`, not `ubuntu`). */
export function parseCanonicalReference(input: string): ImageReference {
  const reference = parseReference(input);
  if (reference.normalized !== input) {
    throw invalid(input, 'repository name must be canonical', { hint: `write it in full: "${reference.normalized}"` });
  }
  return reference;
}

/** `id` is the image ID as a digest: `sha256:<64 hex>`. */
export type AnyReference = { kind: 'id'; id: string } | { kind: 'reference'; reference: ImageReference };

/** An image ID (64 hex, or a full `algorithm:hex` digest) or else a name (distribution's ParseAnyReference). */
export function parseAnyReference(input: string): AnyReference {
  if (IMAGE_ID_RE.test(input)) return { kind: 'id', id: `sha256:${input}` };
  if (digestProblem(input) === undefined) return { kind: 'id', id: input };
  return { kind: 'reference', reference: parseReference(input) };
}

/** A repository name alone, no tag or digest, by the grammar (distribution's WithName). */
export function parseRepositoryName(input: string): ImageReference {
  const match = NAME_RE.exec(input);
  if (!match) throw invalid(input, `invalid reference format: ${repositoryNameProblem(input)}`);
  const [, domain = '', path = ''] = match;
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) throw nameTooLong(input, path);
  return buildReference(domain, path, undefined, undefined);
}

/**
 * A registry domain for comparing registries: lowercase, and Docker Hub's other spellings
 * (`index.docker.io`, `registry-1.docker.io`) as `docker.io`, the domain parsed references use.
 */
export function canonicalRegistryDomain(domain: string): string {
  const lower = domain.toLowerCase();
  return lower === LEGACY_DEFAULT_DOMAIN || lower === 'registry-1.docker.io' ? DEFAULT_DOMAIN : lower;
}

/** True when the text is a registry host with optional port, as the grammar allows it. */
export function isRegistryDomain(text: string): boolean {
  return DOMAIN_RE.test(text);
}

/** The same reference with another tag; a digest it had is kept. */
export function withTag(reference: ImageReference, tag: string): ImageReference {
  if (!TAG_RE.test(tag)) {
    throw new UserError('invalid_reference', `invalid tag: ${tagProblem(tag)}`, {
      hint: 'a tag is 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"',
    });
  }
  return buildReference(reference.domain, reference.path, tag, reference.digest);
}

/**
 * The same reference pinned to a digest; a tag it had is kept. Like distribution's WithDigest
 * this checks the digest's form only (algorithm, ':' and at least 32 hex characters).
 */
export function withDigest(reference: ImageReference, digest: string): ImageReference {
  if (!DIGEST_RE.test(digest)) {
    throw new UserError('invalid_reference', `invalid digest "${digest}": a digest is algorithm:hex with at least 32 hex characters`, {
      hint: 'e.g. sha256:<64 hex characters>',
    });
  }
  return buildReference(reference.domain, reference.path, reference.tag, digest);
}

/** Adds `:latest` when the reference has neither a tag nor a digest, as `docker pull` does. */
export function withDefaultTag(reference: ImageReference): ImageReference {
  if (reference.tag !== undefined || reference.digest !== undefined) return reference;
  return buildReference(reference.domain, reference.path, DEFAULT_TAG, undefined);
}

/** The reference without its tag and digest. */
export function nameOnly(reference: ImageReference): ImageReference {
  return buildReference(reference.domain, reference.path, undefined, undefined);
}

/** True for a full image ID: 64 lowercase hex characters (distribution's identifier). */
export function isImageId(text: string): boolean {
  return IMAGE_ID_RE.test(text);
}

/**
 * True when the text can only be an image ID: 64 lowercase hex characters, or a valid digest
 * such as `sha256:<64 hex>`. Docker reads these as IDs before it tries them as names.
 */
export function isDigestOrId(text: string): boolean {
  return IMAGE_ID_RE.test(text) || digestProblem(text) === undefined;
}

/**
 * True for a hex prefix such as `0123abcd` (optionally `sha256:`-prefixed) that can be a short
 * image ID. It may also be a valid name: the engine looks it up as a name first, then as an ID.
 */
export function isShortImageId(text: string): boolean {
  return SHORT_IMAGE_ID_RE.test(text) && !IMAGE_ID_RE.test(text);
}

export type ImageArgument =
  | { kind: 'id'; id: string }
  | { kind: 'id-prefix'; prefix: string; reference?: ImageReference }
  | { kind: 'reference'; reference: ImageReference };

/**
 * What an argument of `image rm`, `tag SOURCE` or `run IMAGE` names: a full ID, a hex prefix
 * that the engine resolves (name first, then ID), or a reference. Hand `id`, or `prefix` as
 * typed, to the engine; invalid references throw `invalid_reference`.
 */
export function classifyImageArgument(text: string): ImageArgument {
  if (IMAGE_ID_RE.test(text)) return { kind: 'id', id: `sha256:${text}` };
  if (digestProblem(text) === undefined) return { kind: 'id', id: text };
  if (isShortImageId(text)) {
    const reference = tryParse(text);
    return reference ? { kind: 'id-prefix', prefix: text, reference } : { kind: 'id-prefix', prefix: text };
  }
  return { kind: 'reference', reference: parseReference(text) };
}

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

function buildReference(domain: string, path: string, tag: string | undefined, digest: string | undefined): ImageReference {
  const name = domain === '' ? path : `${domain}/${path}`;
  const familiarName = familiarize(domain, path);
  const suffix = (tag === undefined ? '' : `:${tag}`) + (digest === undefined ? '' : `@${digest}`);
  return {
    domain,
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    name,
    familiarName,
    normalized: name + suffix,
    familiar: familiarName + suffix,
  };
}

// Docker Hub names lose their domain, and official images their `library/` namespace, but
// only when nothing nested follows it (`library/foo/bar` stays as it is).
function familiarize(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return domain === '' ? path : `${domain}/${path}`;
  if (path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const remainder = path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!remainder.includes('/')) return remainder;
  }
  return path;
}

function splitName(name: string): { domain: string; path: string } {
  const match = NAME_RE.exec(name);
  if (!match) return { domain: '', path: name };
  return { domain: match[1] ?? '', path: match[2] ?? name };
}

// Decides, as the Docker CLI does, whether the first component is a registry: it is when it
// is `localhost`, contains '.' or ':', or has uppercase letters (never valid in a path).
function splitDockerDomain(input: string): { domain: string; remainder: string } {
  const slash = input.indexOf('/');
  // A single element such as "ubuntu" or "ubuntu:22.04" is an official image, even "localhost".
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + input };
  const first = input.slice(0, slash);
  const rest = input.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    domain = first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
    remainder = rest;
  } else {
    domain = DEFAULT_DOMAIN;
    remainder = input;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

// go-digest's checks for a digest that already has the grammar's form. Returns what is wrong,
// or undefined when the digest is valid.
function digestProblem(digest: string): { message: string; hint?: string } | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1) return { message: `digest "${digest}" is not algorithm:hex` };
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const expectedLength = DIGEST_HEX_LENGTH[algorithm];
  if (expectedLength === undefined) {
    if (!WELL_FORMED_DIGEST_RE.test(digest)) {
      return { message: `invalid checksum digest format: algorithm "${algorithm}" must be lowercase letters and digits` };
    }
    return { message: `unsupported digest algorithm "${algorithm}"`, hint: 'use sha256 (or sha384, sha512)' };
  }
  if (hex.length !== expectedLength) {
    return { message: `invalid checksum digest length: ${algorithm} has ${expectedLength} hex characters, this one has ${hex.length}` };
  }
  if (!/^[a-f0-9]+$/.test(hex)) {
    return { message: `invalid checksum digest format: ${algorithm} hex must be lowercase 0-9 and a-f` };
  }
  return undefined;
}

function checkDigest(digest: string, typed: string): void {
  const problem = digestProblem(digest);
  if (problem) throw invalid(typed, problem.message, problem.hint === undefined ? {} : { hint: problem.hint });
}

// Says which part of a reference breaks the grammar. Only called once the whole failed to match.
function explainInvalidFormat(input: string): string {
  if (/\s/.test(input)) return 'invalid reference format: it contains whitespace';
  const at = input.indexOf('@');
  const nameAndTag = at < 0 ? input : input.slice(0, at);
  if (at >= 0) {
    const digest = input.slice(at + 1);
    if (digest.includes('@')) return 'invalid reference format: more than one "@"';
    if (!DIGEST_RE.test(digest)) {
      return `invalid reference format: digest "${digest}" is not algorithm:hex with at least 32 hex characters (e.g. sha256:<64 hex>)`;
    }
    if (nameAndTag === '') return 'invalid reference format: a repository name must come before "@"';
  }
  const lastColon = nameAndTag.lastIndexOf(':');
  let name = nameAndTag;
  if (lastColon > nameEnd(nameAndTag)) {
    const tag = nameAndTag.slice(lastColon + 1);
    name = nameAndTag.slice(0, lastColon);
    if (!TAG_RE.test(tag)) return `invalid reference format: ${tagProblem(tag)}`;
  }
  if (name === '') return 'invalid reference format: the repository name is missing';
  return `invalid reference format: ${nameProblem(name)}`;
}

function repositoryNameProblem(input: string): string {
  if (input === '') return 'the repository name is empty';
  if (REFERENCE_RE.test(input)) return 'expected a repository name alone, without a tag or digest';
  return explainInvalidFormat(input).replace(/^invalid reference format: /, '');
}

function tagProblem(tag: string): string {
  if (tag === '') return 'the tag after ":" is empty';
  if (tag.length > 128) return `tag is ${tag.length} characters long, at most 128 are allowed`;
  if (/^[.-]/.test(tag)) return `tag "${tag}" must not start with "${tag[0]}"`;
  return `tag "${tag}" may only contain letters, digits, "_", "." and "-"`;
}

function nameProblem(name: string): string {
  const components = name.split('/');
  if (components.length === 1 && /[[\]]/.test(name)) {
    return `"${name}" is a registry address, and a repository path must follow it (registry/name)`;
  }
  for (const [index, component] of components.entries()) {
    if (component === '') return 'the repository name has an empty component (a leading, trailing or doubled "/")';
    const mayBeDomain = index === 0 && components.length > 1;
    if (mayBeDomain && (/[.:[\]]/.test(component) || component === 'localhost')) {
      if (!DOMAIN_RE.test(component)) return `registry "${component}" is not a valid host[:port]`;
      continue;
    }
    if (mayBeDomain && DOMAIN_RE.test(component)) continue;
    if (component.includes(':')) return `"${component}" has a ":" inside the name; a reference has at most one ":tag", at the end`;
    if (!PATH_COMPONENT_RE.test(component)) {
      return `path component "${component}" may only contain lowercase letters and digits, separated by ".", "_", "__" or "-"`;
    }
  }
  return 'the repository name does not follow the grammar';
}

// A tag's ':' comes after the last '/' and after an IPv6 registry's ']'.
function nameEnd(nameAndTag: string): number {
  return Math.max(nameAndTag.lastIndexOf('/'), nameAndTag.lastIndexOf(']'));
}

function lowercaseName(input: string): string {
  const at = input.indexOf('@');
  const nameAndTag = at < 0 ? input : input.slice(0, at);
  const digest = at < 0 ? '' : input.slice(at);
  const lastColon = nameAndTag.lastIndexOf(':');
  const hasTag = lastColon > nameEnd(nameAndTag);
  const name = hasTag ? nameAndTag.slice(0, lastColon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(lastColon) : '';
  return name.toLowerCase() + tag + digest;
}

function emptyReference(): UserError {
  return new UserError('invalid_reference', 'the image reference is empty: repository name must have at least one component', {
    hint: REFERENCE_HINT,
  });
}

function nameTooLong(typed: string, path: string): UserError {
  return invalid(typed, `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters (this one has ${path.length})`);
}

function invalid(typed: string, problem: string, options: { hint?: string } = {}): UserError {
  const shown = printable(typed.length > 100 ? `${typed.slice(0, 97)}...` : typed);
  return new UserError('invalid_reference', `invalid image reference "${shown}": ${printable(problem)}`, {
    hint: options.hint ?? REFERENCE_HINT,
    data: { reference: typed },
  });
}

/** Control characters of a typed reference never reach a reply as they are. */
// eslint-disable-next-line no-control-regex
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
