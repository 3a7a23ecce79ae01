// Spin's HTTP route matching (exact routes, `:name` captures and trailing
// `/...` wildcards; exact beats wildcard, longer prefixes beat shorter ones)
// and the `spin-*` request headers Spin derives from a match.

function parseRoute(rawRoute, componentId) {
  // Spin joins the route to the base "/" and drops one trailing slash.
  let based = rawRoute.startsWith('/') ? rawRoute : `/${rawRoute}`;
  if (based.endsWith('/')) based = based.slice(0, -1);
  const wildcardSuffix = ['/...', '/*'].find((suffix) => based.endsWith(suffix));
  const prefix = wildcardSuffix ? based.slice(0, -wildcardSuffix.length) : based;
  const segments = prefix.split('/').filter(Boolean);
  return {
    componentId,
    rawRoute,
    basedRoute: based,
    wildcard: Boolean(wildcardSuffix),
    segments,
    display: wildcardSuffix ? `${prefix} (wildcard)` : prefix,
    rank: [wildcardSuffix ? 0 : 1, segments.filter((s) => !s.startsWith(':')).length, segments.length],
  };
}

function compareRank(a, b) {
  for (let i = 0; i < a.rank.length; i += 1) {
    if (a.rank[i] !== b.rank[i]) return b.rank[i] - a.rank[i];
  }
  return 0;
}

function matchRoute(route, pathSegments) {
  const { segments } = route;
  if (route.wildcard ? pathSegments.length < segments.length : pathSegments.length !== segments.length) return null;
  const captures = {};
  for (const [i, segment] of segments.entries()) {
    if (segment.startsWith(':')) captures[segment.slice(1)] = pathSegments[i];
    else if (segment !== pathSegments[i]) return null;
  }
  return { captures, rest: pathSegments.slice(segments.length).join('/') };
}

/** Spin has always kept the trailing slash in the path info. */
function pathInfo(route, rest, path) {
  if (!route.wildcard) return '';
  const slash = path.endsWith('/') ? '/' : '';
  if (rest === '') return slash;
  return `/${rest}${slash}`;
}

export class Router {
  #routes;

  /** @param {{ route: string, componentId: string }[]} routes */
  constructor(routes) {
    // Spin keeps the last of duplicate routes.
    const byRaw = new Map(routes.map(({ route, componentId }) => [route, parseRoute(route, componentId)]));
    this.#routes = [...byRaw.values()];
  }

  /** Lines for the "Available Routes:" listing, as `spin up` prints them. */
  describe(baseUrl) {
    return this.#routes.map((route) => `  ${route.componentId}: ${baseUrl}${route.display}`);
  }

  /** @returns {{ route: object, captures: Record<string, string>, pathInfo: string } | null} */
  match(path) {
    const pathSegments = path.split('/').filter(Boolean);
    const candidates = [...this.#routes].sort(compareRank);
    for (const route of candidates) {
      const found = matchRoute(route, pathSegments);
      if (found) return { route, captures: found.captures, pathInfo: pathInfo(route, found.rest, path) };
    }
    return null;
  }
}

/** The headers Spin adds to every request it hands to a component. */
export function spinHeaders(match, { host, pathWithQuery, clientAddr }) {
  const { route } = match;
  const headers = [
    ['spin-path-info', match.pathInfo],
    ['spin-full-url', `http://${host}${pathWithQuery}`],
    ['spin-matched-route', route.basedRoute],
    ['spin-base-path', '/'],
    ['spin-raw-component-route', route.rawRoute],
    ['spin-component-route', route.rawRoute.endsWith('/...') ? route.rawRoute.slice(0, -4) : route.rawRoute],
    ['spin-client-addr', clientAddr],
  ];
  for (const [name, value] of Object.entries(match.captures)) {
    headers.push([`spin-path-match-${name.toLowerCase().replaceAll('_', '-')}`, value]);
  }
  return headers;
}
