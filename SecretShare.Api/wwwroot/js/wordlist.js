// SecretShare passphrase word list and generator. Pure ES module (browsers and Node 20+), no DOM access;
// element ids are documented in create.js. The list was written for this project: 2292 distinct,
// common, short (3 to 8 letters) lowercase English words, so a 5-word passphrase carries about
// 56 bits of entropy. Since the server never holds K, guessing the passphrase needs the link and
// an online attempt, which the server limits to a few tries before it deletes the secret.

const RAW = `
  ability able accept access account acorn acre action active actor actual adapt add admiral admire
  adopt adult advice advise affair afraid age agenda agent agile agree aim air airport alarm album
  alert alibi alive alley allow alloy almanac alpha amber ample amuse anchor ancient angle angry ankle
  answer ant antenna anthem anvil ape applaud apple apricot april apron aqua arcade archer area arena
  arm armchair armor arrange arrive arrow artist ask aspect aspen athlete atlas attach attic august
  aunt author autumn avenue awake award aware axe axle azure baby back bacon badge bag bagel bagpipe
  bake baker bakery balance bald ball ballad ballet balloon bamboo banana band bandage banjo bank
  banker banner barber bare bargain barley barn barrel barrier basic basil basis basket bass bat batch
  bath bathe bathtub battery bay bazaar beach beacon bead beam bean bear beard beauty beaver bed bee
  beef beetle beg begin behave beige believe bell belly belt bench bend benefit berry bicycle big bike
  bin bingo birch birth biscuit bison bitter black blade blame bland blank blanket blender blimp blink
  blizzard bloom blossom blue boar boast boat bobbin bobcat boil bold bolt bone bonfire bonnet bonus
  book boot border bored borrow bottle boulder bounce bouncy bounty bouquet boutique bow bowl bowling
  box boxer brace bracelet brain bramble branch brand brave bread breath breathe breeze brick bride
  bridge brief bright bring brisk broad bronze brook broom broth brother brow brown brownie brush
  bubble bucket buckle budget buffalo buffet buggy build builder bulb bull bump bumper bumpy bun
  bundle bunny burden burgundy burn burrow bury bus bush bustle busy butcher butler butter button buy
  cabbage cabin cable cactus caddy cadet cafe cage cake calf call calm camel camera camp camper campus
  canal canary candid candle candy canoe canopy canvas canyon cap cape capital captain car caramel
  caravan careful cargo carnival carpet carriage carrot carry cart carton carve cascade cashew castle
  casual cat catalog catch cattle cause cave cavern cedar celery cellar cello century cereal chain
  chair chalk chamber chance change channel chapel chapter charcoal charger chariot charm chart chase
  cheap cheek cheer cheery cheese cheetah chef chemist cherry chess chest chew chick chicken child
  chili chilly chimney chimp chin chisel chive choice chop chord chorus chrome chunky cider cinder
  cinema circle circus citadel citrus city civil claim clam clamp clap classic clean clear clerk
  clever cliff climb clinic cloak clock close closet cloud cloudy clove clover clown clue clumsy coach
  coast coat cobalt cobble cobra cocoa coconut cocoon cod code coffee coffer coil cold collar collect
  college colony colt comb comet comfort comfy common compare compass concept concert condor convoy
  cook cookie cool copper copy coral cork corn corner corridor cosmic cosmos costume cottage cotton
  couch cougar count county courage court cousin cover cow cowboy coyote cozy crab cracker cradle
  craft crafty crane crate crater crawl crayon cream creamy credit creek cress crest cricket crimson
  crisis crisp critic cross crow crown cruise crumb cry crystal cub cube cuddly cuff cumin cup
  cupboard cupcake curly current curry curtain cushion custard cute cyan cycle cymbal daily daisy damp
  dance dancer dapper dare daring date dawn day dear debate decade december decent decide deep deer
  degree deliver delta demand denim dense dentist deputy desert design desk detail device dew dial
  diamond diary diesel diet dig dignity dimple dine dinghy dingo diploma direct disco dish dive diver
  dizzy dock doctor dog dollar dolphin domain dome domino donkey donut doodle door double dough dove
  dozen draft drag dragon drake drama draw drawer dream dreamy dress drift drink drive driver drone
  drop drum drummer dry duck duet duke dull dumpling dune dusk dust dusty duty dynamo eager eagle ear
  early earn earnest earth easel easy eat ebony echo eclipse edit editor eel effect effort egg egret
  eight elated elbow elder eleven elixir elk ember emblem emerald emperor empire empty emu encore
  endless energy engine engineer enjoy ensign enter entry envelope epic epoch equal eraser error
  escape estate even evening event ewe exact example excuse exit exotic explore eye fable fabric face
  fact factor factory faint fair faith falcon false fame famous fan fancy far farm farmer fashion fast
  father faucet fault favor fawn fearless feather feature february feisty fence fennel fern ferret
  ferry fetch fiber fiction fiddle field fierce fiesta fifty fig figure fill film filter finch find
  fine finger firm first fish fist fit five fix fjord flag flame flannel flare flask flat flea fleet
  flicker flint float flour flow flower fluffy flute fly foal foam focus fog fold folder folk follow
  fond foot force forest forge forgive fork formal format fort fortune forty fossil fountain four fox
  fractal fragment frame frank free freedom fresh friday friend friendly frog frost frosty fudge full
  funnel funny furnace future fuzzy gadget gain galaxy gallery gallon game garage garden gardener
  garland garlic garnet garret gate gather gazebo gazelle gear gecko gem gentle gerbil gesture geyser
  giant gibbon giddy giggle ginger give gizmo glacier glad glade glass glen glide glider globe glory
  glossy glove glow glue goal goat goblet gold golden golf golfer gondola gong good goose gopher gorge
  gorilla grab grace grand granite granola grape graph grass grateful gravel gravy gray great green
  greet grid griffin grin grotto grouse grove grow grumpy guard guava guess guest guide guitar gull
  gumdrop gust gutter gym habit hail hair hairy hall ham hamlet hammer hammock hamster hand handle
  handy hang hangar hanger happen happy harbor hardy hare harmony harness harp haste hasty hat hatch
  haven hawk hazard head heal health healthy hear heart hearth heath heavy hedge heel helix helmet
  help helpful hemlock hen herb hermit hero heron hickory hidden high highway hike hill hilltop hinge
  hip hippo history hive hobby hockey hog hollow holly honest honey honeybee honor hook hop hope
  hopeful horizon hornet horse hose hospital host hostel hotel hound hour hover hug huge hum humble
  humor hundred hunger hungry hunt hunter hurdle hurry husk hut hyena ibis ice iceberg icicle icy idea
  ideal idle igloo iguana image imagine impact impala income index indigo inkwell inn inner instinct
  invent inventor invite iron island isle issue ivory ivy jackal jacket jade jaguar jam janitor
  january jar javelin jaw jay jazz jeep jelly jester jet jigsaw jingle jockey jog join joke jolly
  journey jovial joy joyful jubilee judge jug juggle juice juicy july jumbo jump junction june jungle
  justice kale karate karma kayak keen keep kernel ketchup kettle key keyhole khaki kick kiln kilt
  kimono kind kindness king kingdom kiosk kitchen kite kitten kiwi knapsack knee kneel knight knit
  knob knock know knuckle koala lab label ladder lagoon lake lamb lamp lantern laptop large lark lasso
  last latch late lattice laugh launch lava lavender lawyer lazy lead leader leaf leafy lean learn
  leather ledger leek leg legacy legal legend leisure lemon lemonade lemur lend lens lentil leopard
  lettuce level lever liberty library lichen lid lift light like likely lilac lily lilypad lime limit
  linen lion lip listen little live lively lizard llama lobby lobster local lock locket lodge lofty
  logic long look loose lorry lotion lotus loud love lovely loyal luck lucky lumber lumpy lung lush
  lute luxury lynx lyric macaw magenta magic magnet magpie mailbox major mallard mammoth manatee mango
  manor mantis mantle map maple marathon marble march margin marina market marmot maroon marry marsh
  marten mascot mask mat match matter mattress mauve may mayor meadow measure mechanic medal medley
  mellow melody melon melt memory mend merchant mercy merit mermaid merry mesa metal meteor method
  midday mighty mild mileage milk mill million mind mine miner mink minnow minor mint minute mirror
  mission mist misty mitten mix mode modem modern modest module moist mole moment monday monkey
  monsoon month monument mood moon moose mop morning mortar mosaic moss motel moth mother motion
  motive motor mountain mouse mouth move movie mud muddy muffin muffler mug mule mural muscle museum
  music mustard mutual myth nail naive nanny nap napkin narrow nature navy neat nebula neck necklace
  nectar need needle neighbor nephew nerve nervous nest net new newt next nice nickel niece nimble
  nine nineteen ninety noble nod noisy nomad noodle noon normal nose notebook notice notion novel
  november nozzle nugget number nurse nursery nutmeg nylon oak oasis oat oatmeal obelisk obey object
  ocean ocelot ocher october octopus odd offer office officer oily okapi olive onion open opera option
  orange orbit orca orchard orchid order orderly organ origin oriole osprey ostrich otter outcome
  outer outpost oven owl oyster pace pack paddle paddock pagoda pail paint painter painting palace
  pale palette palm pamphlet pan pancake panda panorama panther papaya paper parcel pardon parent park
  parlor parrot parsley parsnip partner pass passage past pasta pastel pastry pasture patience patient
  patio pattern pause pavilion peace peaceful peach peacock peak peanut pear pearl pebble pedal peel
  pelican pen pencil pendant penguin pennant pepper perfect period petal pewter phase pheasant piano
  pick pickle picnic pie pier pig pigeon piglet pike pilgrim pillar pillow pilot pin pine pinecone
  pink pinwheel pioneer pipe pirate piston pitch pitcher pixel plaid plain plan planet plank plant
  plastic plate plateau platinum play player plaza pleasure pledge plenty pliers plot plow plucky plum
  plume pocket podium poem poet point policy polish polite polka pollen pond pony poodle poor popcorn
  poplar popular porch port portal porter portion posh possum pot potato potion pouch pour prairie
  praise prawn precise present pretty pretzel pride prime prince princess print prism profit promise
  proof proud pub pudding puffin pull pulley puma pump pumpkin punch punchy pupil puppy purple purpose
  push puzzle pyramid quail quality quarry quartet quartz queen quest quiche quick quiet quilt quirky
  quiver quota rabbit raccoon race racket radar radio radish radius raft rail railway rain rainbow
  raisin rake ram rampart ranch rancher range ranger rank rapid rapids rare rat rattle raven raw reach
  read ready real reason recipe record red reef referee reform regal region relax relic relief remedy
  remember repair repeat reply report rescue resort rest result return reward rhythm rib ribbon rice
  rich riddle ride rider ridge right rigid ring rinse ripe risk river rivet road roam roar robe robin
  robot robust rock rocket rocky rodeo role roll roof rooftop room rope rose rosebud rosy rough round
  routine rover row royal rub ruby rudder rug rugby ruins ruler rumor run rush rust rusty saddle
  safety saffron saga sail sailor salad salmon salsa salt sample sand sandal sandy sapphire sardine
  sassy satchel satin saturday sauce saucer sausage savanna save saw sawdust scaffold scale scarf
  scarlet scary scepter scheme scholar school scissors scone scooter scope scout screw scroll scrub
  sea seal search seashell season second secret sedan sell send sense sentry sepia sequel serene
  series seven seventy sew shake shanty shape share shark sharp shave shed sheep shelf sherbet sheriff
  shield shin shine shingle shiny ship shoe shop shore short shoulder shout shovel show shrew shrimp
  shuttle shy sierra signal silence silent silk silky silly silver simple sing singer sink sister sit
  six sixty skate sketch ski skill skillet skin skip skull skunk sky skylark skyline slate sled sleek
  sleep sleepy sleigh slide slim slope sloth slow slug small smart smell smile smooth snail snake
  snappy sneeze snore snow snug soccer sock sofa soft soil soldier solid solo solution sonar sonata
  song sonnet sort soup sour source sow space spare sparrow speak speed speedy spell spicy spider
  spiky spin spinach spindle spine spiral spirit splash splendid splinter spool spoon sport spot
  spotty spring sprint sprocket sprout spruce square squash squeeze squid stable stack stadium stag
  stage stamp stand stanza stapler star stare starfish start station statue status stay steady steel
  steep steer stencil step steppe stew sticky stiff stir stirrup stomach stone stool stop stork storm
  stormy story stove stream stretch strict string stroll strong student studio study sturdy style
  suburb subway success sugar suitcase summary summer summit sun sunday sundial sunny sunset super
  superb supply surf surgeon surplus sushi swallow swamp swan sweater sweet swift swim swing switch
  symbol syrup system table tablet taco tadpole tailor talent talisman talk tall tame tan tangle tango
  tangy tape tapir target task tassel taste taxi tea teach teacher teal teapot teeth tell ten tenant
  tender tennis tent termite terrace thank theater theme theory thick thicket thigh thimble thin think
  third thirsty thirty thistle thought thread three throne throw thumb thunder thursday ticket tickle
  tide tidy tie tiger tile timber timing tin tinsel tiny tired title toad toast today toe tofu token
  tomato tomorrow tongue tonic tonight tooth topaz topiary topic torch torrent tortoise toss total
  totem touch tough tourist towel tower town toy trace tractor trade trader trailer train tram travel
  tray trellis trend trial tricky trinket tripod triumph trivia trolley trophy trot trout truck true
  trumpet trunk trust trusty truth try tub tuba tuesday tugboat tulip tuna tundra tune tunnel turbine
  turkey turn turnip turret turtle tutor tuxedo twelve twenty twig twin twine twist two type umbrella
  umpire uncle unit unite unity unlock unpack unwind upbeat urban usage use useful usual vague valid
  valley value valve van vanilla vanish vapor vase vast velvet venture verse version vessel vest view
  viking villa village vineyard violet violin viper virtue vision visit visitor vivid voice volcano
  volume vortex voucher voyage vulture wacky wade waffle wagon waist wait waiter wake walk wallet
  walnut walrus waltz wand wander want warden warm warmth warn warren wary wash wasp watch wave wealth
  weary weasel weave weaver wedge week weekend weigh weight wet whale wheat wheel whim whisker whisper
  whistle white whole wide widget wild willow win wind windmill window windy wink winter wire wisdom
  wise wish witty wizard wolf wombat wonder wood wooden wool woolly work workshop worm worry worth
  worthy wrap wreath wren wrench wrist write writer yacht yak yam yard yarn yawn year yell yellow yoga
  yogurt young youth zany zeal zebra zenith zeppelin zest zesty zinc zipper zone zoo zoom
`;

/** The word list: frozen, sorted, unique, lowercase a to z only. */
export const WORDS = Object.freeze(RAW.trim().split(/\s+/));

export const DEFAULT_WORD_COUNT = 5;

function defaultFill(array) {
  return globalThis.crypto.getRandomValues(array);
}

/**
 * A uniformly distributed integer in [0, n) from 32-bit CSPRNG draws with rejection sampling (no modulo
 * bias). `fill` (a getRandomValues-like function) is injectable for tests.
 */
export function randomIndex(n, fill = defaultFill) {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError('n must be an integer in 1..2^32');
  const limit = Math.floor(2 ** 32 / n) * n; // accept draws below the largest multiple of n
  const buffer = new Uint32Array(1);
  for (;;) {
    fill(buffer);
    if (buffer[0] < limit) return buffer[0] % n;
  }
}

/** Picks `count` words (default 5) independently and uniformly; returns them as an array. */
export function generateWords(count = DEFAULT_WORD_COUNT, fill = defaultFill, words = WORDS) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(words[randomIndex(words.length, fill)]);
  return out;
}

/** A passphrase of `words` words (default 5) joined by `separator` (default a space). */
export function generatePassphrase({ words = DEFAULT_WORD_COUNT, separator = ' ', fill = defaultFill } = {}) {
  return generateWords(words, fill).join(separator);
}

/** Bits of entropy of a generated passphrase with `count` words. */
export function passphraseEntropyBits(count = DEFAULT_WORD_COUNT) {
  return count * Math.log2(WORDS.length);
}
