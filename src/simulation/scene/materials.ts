/**
 * What a body is made of, and what that means for how it moves and how it looks (kept free of zod,
 * like shapes.ts, so the render worker can read it without the schema).
 */
export const materials = ['metal', 'rubber', 'wood', 'ice', 'glass'] as const;
export type Material = (typeof materials)[number];

/** How a material feels to the physics engine and how it catches the light. */
export interface MaterialProperties {
  /** Coulomb friction, 0 (ice on ice) to 2. */
  friction: number;
  /** Bounciness, 0 (clay) to 1 (a perfect bounce). */
  restitution: number;
  /** Kilograms per cubic metre. */
  density: number;
  /** 0 is a mirror-sharp highlight, 1 a matte surface with almost none. */
  roughness: number;
  /** 1 tints the highlight with the body's colour and takes away its diffuse light, as metals do. */
  metalness: number;
  /** Strength of the Blinn-Phong highlight, a multiplier of what the roughness gives. */
  specular: number;
  /** 1 is solid; below 1 the body is drawn see-through, after the solid ones, and casts a faint shadow. */
  opacity: number;
  /** The colour of a body of this material that nobody gave a colour. */
  color: string;
}

/**
 * The material table. Densities are the real ones, frictions and restitutions are what makes each
 * material behave as people expect on screen (rubber bounces, ice slides) within what Rapier keeps
 * stable.
 */
export const materialTable: Readonly<Record<Material, Readonly<MaterialProperties>>> = {
  metal: {
    friction: 0.4,
    restitution: 0.25,
    density: 7800,
    roughness: 0.2,
    metalness: 0.9,
    specular: 1.6,
    opacity: 1,
    color: '#9ea4ad',
  },
  rubber: {
    friction: 1.1,
    restitution: 0.85,
    density: 1100,
    roughness: 0.92,
    metalness: 0,
    specular: 0.25,
    opacity: 1,
    color: '#33363b',
  },
  wood: {
    friction: 0.6,
    restitution: 0.3,
    density: 700,
    roughness: 0.75,
    metalness: 0,
    specular: 0.5,
    opacity: 1,
    color: '#b9895a',
  },
  ice: {
    friction: 0.03,
    restitution: 0.1,
    density: 920,
    roughness: 0.12,
    metalness: 0,
    specular: 1.3,
    opacity: 1,
    color: '#cfe9f5',
  },
  glass: {
    friction: 0.5,
    restitution: 0.3,
    density: 2500,
    roughness: 0.05,
    metalness: 0,
    specular: 1.5,
    // Per surface: light crosses two (the near side and the far side), about 0.3 in all.
    opacity: 0.17,
    color: '#d8eef2',
  },
};

/** What a body without a material is: the schema's defaults. */
export const plainMaterial: Readonly<MaterialProperties> = {
  friction: 0.6,
  restitution: 0.2,
  density: 1000,
  roughness: 0.5,
  metalness: 0,
  specular: 1,
  opacity: 1,
  color: '#d0d0d0',
};

/** The properties of `material`, or the plain defaults when there is none. */
export function materialOf(material: Material | undefined): Readonly<MaterialProperties> {
  return material ? materialTable[material] : plainMaterial;
}
