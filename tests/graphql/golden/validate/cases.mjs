// Validation cases, per graphql-js rule: [name, document]. Most are the
// cases of graphql-js's own rule tests (src/validation/__tests__), adapted
// to schema.graphql; names starting with "valid_" expect no error.
const c = {};

c.ExecutableDefinitions = [
  ['valid_operation_only', `query Foo { dog { name } }`],
  ['valid_operation_and_fragment', `query Foo { dog { name ...Frag } } fragment Frag on Dog { name }`],
  ['type_definition', `query Foo { dog { name } } type Cow { name: String } extend type Dog { color: String }`],
  ['schema_definition', `schema { query: QueryRoot } type QueryRoot { test: String } extend schema @directive`],
  ['scalar_and_enum', `{ dog { name } } scalar Date enum Color { RED }`],
  ['directive_definition', `{ dog { name } } directive @foo on FIELD`],
  ['sdl_with_unknown_types', `{ dog { name } } type Foo implements Bar { a: Strin b(x: Inta): Dog }`],
  ['sdl_with_directives', `{ dog { name } } type Foo @unknownDir @deprecated(reason: 1) { a: String @deprecated @deprecated }`],
  ['sdl_directive_definition_directives', `{ dog { name } } directive @foo(a: Int @onField) @deprecated @onField @deprecated on FIELD`],
  ['sdl_directive_extension', `{ dog { name } } directive @foo @foo on FIELD extend directive @foo @foo`],
  ['sdl_schema_and_extension', `{ dog { name } } extend schema @onQuery schema @onQuery { query: QueryRoot }`],
  ['sdl_locally_defined_directive', `query Q @local(arg: 1) @local { dog @local(x: 2) { name } } directive @local(arg: Int!) repeatable on FIELD | QUERY`],
  ['sdl_type_extensions_share_directives', `{ dog { name } } type T @onField { a: Int } extend type T @onField @deprecated(reason: "a", reason: "b") enum E @deprecated { A @deprecated @deprecated B }`],
  ['sdl_standard_names', `{ dog { name } } input In { a: String b: Int = 1 c: __Type }`],
];

c.KnownOperationTypes = [
  ['valid_query', `query { dog { name } }`],
  ['valid_shorthand', `{ dog { name } }`],
  ['valid_subscription', `subscription { newMessage { body } }`],
  ['mutation_not_supported', `mutation { doSomething }`],
  ['named_mutation_not_supported', `mutation M($x: Int) { doSomething(x: $x) }`],
  ['mutation_among_others', `query A { dog { name } } mutation B { a } mutation C { b }`],
];

c.UniqueOperationNames = [
  ['valid_no_operations', `fragment fragA on Dog { name } query Q { dog { ...fragA } }`],
  ['valid_one_anon', `{ dog { name } }`],
  ['valid_one_named', `query Foo { dog { name } }`],
  ['valid_multiple', `query Foo { dog { name } } query Bar { dog { name } }`],
  ['valid_different_types', `query Foo { dog { name } } subscription Bar { newMessage { body } }`],
  ['valid_fragment_and_operation_same_name', `query Foo { dog { ...Foo } } fragment Foo on Dog { name }`],
  ['duplicate_queries', `query Foo { dog { name } } query Foo { dog { nickname } }`],
  ['duplicate_different_types', `query Foo { dog { name } } mutation Foo { fieldB }`],
  ['duplicate_subscription', `query Foo { dog { name } } subscription Foo { newMessage { body } }`],
  ['triple', `query Foo { dog { name } } query Foo { dog { name } } query Foo { dog { name } }`],
];

c.LoneAnonymousOperation = [
  ['valid_no_operations', `fragment fragA on Dog { name } { dog { ...fragA } }`],
  ['valid_one_anon', `{ dog { name } }`],
  ['valid_multiple_named', `query Foo { dog { name } } query Bar { dog { name } }`],
  ['valid_anon_and_fragment', `{ ...Foo } fragment Foo on QueryRoot { dog { name } }`],
  ['multiple_anon', `{ dog { name } } { dog { nickname } }`],
  ['anon_with_mutation', `{ dog { name } } mutation Foo { fieldB }`],
  ['anon_with_subscription', `{ dog { name } } subscription Foo { newMessage { body } }`],
];

c.SingleFieldSubscriptions = [
  ['valid_one_field', `subscription ImportantEmails { importantEmails }`],
  ['valid_one_field_with_typename_elsewhere', `subscription sub { newMessage { __typename body } }`],
  ['valid_fragment', `subscription sub { ...newMessageFields } fragment newMessageFields on SubscriptionRoot { newMessage { body sender } }`],
  ['valid_fragment_and_field', `subscription sub { newMessage { body } ...newMessageFields } fragment newMessageFields on SubscriptionRoot { newMessage { body sender } }`],
  ['valid_inline_fragment', `subscription sub { ... on SubscriptionRoot { newMessage { body } } }`],
  ['more_than_one', `subscription ImportantEmails { importantEmails notImportantEmails }`],
  ['more_than_one_anonymous', `subscription { importantEmails notImportantEmails }`],
  ['introspection_field', `subscription ImportantEmails { __typename }`],
  ['introspection_field_anonymous', `subscription { __typename }`],
  ['more_than_one_with_introspection', `subscription ImportantEmails { importantEmails __typename }`],
  ['many_fields', `subscription ImportantEmails { importantEmails notImportantEmails spamEmails }`],
  ['fragments', `subscription ImportantEmails { importantEmails ...NonImportantEmailsFields } fragment NonImportantEmailsFields on SubscriptionRoot { notImportantEmails }`],
  ['fragments_deep', `subscription ImportantEmails { importantEmails ...A } fragment A on SubscriptionRoot { ...B } fragment B on SubscriptionRoot { spamEmails deletedEmails }`],
  ['inline_fragments', `subscription ImportantEmails { importantEmails ... on SubscriptionRoot { notImportantEmails } }`],
  ['same_field_twice', `subscription { importantEmails importantEmails }`],
  ['aliased_twice', `subscription { a: importantEmails b: importantEmails }`],
  ['skip_top_level', `subscription RequireFields($x: Boolean!) { importantEmails @skip(if: $x) }`],
  ['include_top_level', `subscription RequireFields($x: Boolean!) { importantEmails @include(if: $x) }`],
  ['skip_on_fragment', `subscription ($x: Boolean!) { ...F @skip(if: $x) } fragment F on SubscriptionRoot { importantEmails }`],
  ['skip_in_fragment', `subscription ($x: Boolean!) { ...F } fragment F on SubscriptionRoot { importantEmails @include(if: $x) notImportantEmails @skip(if: $x) }`],
  ['skip_and_include', `subscription ($x: Boolean!) { importantEmails @skip(if: $x) @include(if: $x) }`],
  ['skip_nested_ok', `subscription ($x: Boolean!) { newMessage { body @skip(if: $x) } }`],
  ['empty_after_fragment_mismatch', `subscription { ...F } fragment F on QueryRoot { dog { name } }`],
  ['unknown_fragment', `subscription { ...Unknown }`],
  ['unknown_field', `subscription { unknownField }`],
  ['query_not_checked', `query { dog { name } cat { name } }`],
];

c.KnownTypeNames = [
  ['valid_known', `query Foo($var: String, $required: [Int!]!, $x: ComplexInput) { human(id: 4) { pets { ... on Pet { name }, ...PetFields, ... { name } } } } fragment PetFields on Pet { name }`],
  ['valid_standard_in_query', `query Foo($var: ID, $id: ID!, $b: Boolean) { dog { name } }`],
  ['unknown_types', `query Foo($var: JumbledUpLetters) { human(id: 4) { name pets { ... on Badger { name }, ...PetFields } } } fragment PetFields on Peat { name }`],
  ['unknown_with_suggestion', `query Foo($var: Strin, $b: [Boolen!]) { dog { name } }`],
  ['unknown_case', `query Foo($var: string) { dog { name } }`],
  ['unknown_inline', `{ dog { ... on Dgo { name } } }`],
  ['unknown_fragment_type', `fragment F on Humna { name } { human { ...F } }`],
  ['introspection_type_known', `query ($k: __TypeKind) { dog { name } }`],
  ['defined_in_document', `query ($x: Cow) { dog { name } } input Cow { a: Int }`],
];

c.FragmentsOnCompositeTypes = [
  ['valid_object', `fragment validFragment on Dog { barks } { dog { ...validFragment } }`],
  ['valid_interface', `fragment validFragment on Pet { name } { dog { ...validFragment } }`],
  ['valid_inline_object', `fragment validFragment on Pet { ... on Dog { barks } } { dog { ...validFragment } }`],
  ['valid_inline_without_type', `fragment validFragment on Pet { ... { name } } { dog { ...validFragment } }`],
  ['valid_union', `fragment validFragment on CatOrDog { __typename } { dog { ...validFragment } }`],
  ['scalar', `fragment scalarFragment on Boolean { bad } { dog { ...scalarFragment } }`],
  ['enum', `fragment scalarFragment on FurColor { bad } { dog { ...scalarFragment } }`],
  ['input_object', `fragment inputFragment on ComplexInput { stringField } { dog { ...inputFragment } }`],
  ['inline_scalar', `fragment invalidFragment on Pet { ... on String { barks } } { dog { ...invalidFragment } }`],
  ['inline_unknown', `{ dog { ... on Unknown { barks } } }`],
];

c.VariablesAreInputTypes = [
  ['valid_input_types', `query Foo($a: Unknown, $b: [[Unknown!]]!, $c: String, $d: [Boolean!]!, $e: ComplexInput) { field(a: $a, b: $b, c: $c, d: $d, e: $e) }`],
  ['output_types', `query Foo($a: Dog, $b: [[CatOrDog!]]!, $c: Pet) { field(a: $a, b: $b, c: $c) }`],
  ['output_type_with_default', `query Foo($a: Dog = {}) { dog { name } }`],
];

c.ScalarLeafs = [
  ['valid_scalar', `fragment scalarSelection on Dog { barks } { dog { ...scalarSelection } }`],
  ['object_without_selection', `query directQueryOnObjectWithoutSubFields { human }`],
  ['interface_without_selection', `{ human { pets } }`],
  ['valid_scalar_with_args', `fragment scalarSelectionWithArgs on Dog { doesKnowCommand(dogCommand: SIT) } { dog { ...scalarSelectionWithArgs } }`],
  ['scalar_with_selection', `fragment scalarSelectionsNotAllowedOnBoolean on Dog { barks { sinceWhen } } { dog { ...scalarSelectionsNotAllowedOnBoolean } }`],
  ['enum_with_selection', `fragment scalarSelectionsNotAllowedOnEnum on Cat { furColor { inHexDec } } { cat { ...scalarSelectionsNotAllowedOnEnum } }`],
  ['scalar_with_args_and_selection', `fragment scalarSelectionsNotAllowedWithArgs on Dog { doesKnowCommand(dogCommand: SIT) { sinceWhen } } { dog { ...scalarSelectionsNotAllowedWithArgs } }`],
  ['non_null_list_without_selection', `{ human { relatives } }`],
  ['union_without_selection', `{ catOrDog }`],
  ['introspection_without_selection', `{ __schema }`],
  ['typename_with_selection', `{ dog { __typename { x } } }`],
];

c.FieldsOnCorrectType = [
  ['valid_object_fields', `fragment objectFieldSelection on Dog { __typename name } { dog { ...objectFieldSelection } }`],
  ['valid_aliased', `fragment aliasedObjectFieldSelection on Dog { tn : __typename otherName : name } { dog { ...aliasedObjectFieldSelection } }`],
  ['valid_interface_fields', `fragment interfaceFieldSelection on Pet { __typename name } { pet { ...interfaceFieldSelection } }`],
  ['valid_lying_alias', `fragment lyingAliasSelection on Dog { name : nickname } { dog { ...lyingAliasSelection } }`],
  ['valid_unknown_type_ignored', `fragment unknownSelection on UnknownType { unknownField } { dog { ...unknownSelection } }`],
  ['nested_unknown', `fragment typeKnownAgain on Pet { unknown_pet_field { ... on Cat { unknown_cat_field } } } { dog { ...typeKnownAgain } }`],
  ['field_not_defined', `fragment fieldNotDefined on Dog { meowVolume } { dog { ...fieldNotDefined } }`],
  ['deep_field_not_defined', `fragment deepFieldNotDefined on Dog { unknown_field { deeper_unknown_field } } { dog { ...deepFieldNotDefined } }`],
  ['sub_field_not_defined', `fragment subFieldNotDefined on Human { pets { unknown_field } } { human { ...subFieldNotDefined } }`],
  ['inline_fragment_field', `fragment fieldNotDefined on Pet { ... on Dog { meowVolume } } { pet { ...fieldNotDefined } }`],
  ['aliased_not_defined', `fragment aliasedFieldTargetNotDefined on Dog { volume : mooVolume } { dog { ...aliasedFieldTargetNotDefined } }`],
  ['aliased_lying', `fragment aliasedLyingFieldTargetNotDefined on Dog { barkVolume : kawVolume } { dog { ...aliasedLyingFieldTargetNotDefined } }`],
  ['interface_not_defined', `fragment notDefinedOnInterface on Pet { tailLength } { pet { ...notDefinedOnInterface } }`],
  ['interface_defined_on_implementors', `fragment definedOnImplementorsButNotInterface on Pet { nickname } { pet { ...definedOnImplementorsButNotInterface } }`],
  ['valid_meta_on_union', `fragment directFieldSelectionOnUnion on CatOrDog { __typename } { catOrDog { ...directFieldSelectionOnUnion } }`],
  ['direct_field_on_union', `fragment directFieldSelectionOnUnion on CatOrDog { directField } { catOrDog { ...directFieldSelectionOnUnion } }`],
  ['defined_on_union_members', `fragment definedOnImplementorsQueriedOnUnion on CatOrDog { name } { catOrDog { ...definedOnImplementorsQueriedOnUnion } }`],
  ['valid_inline_fragments', `fragment objectFieldSelection on Pet { ... on Dog { name } ... { name } } { pet { ...objectFieldSelection } }`],
  ['suggest_interfaces', `{ being { iq } }`],
  ['suggest_on_mammal', `{ mammal { name barkVolume } }`],
  ['suggest_on_dog_or_human', `{ dogOrHuman { name } }`],
  ['field_suggestions', `{ dog { nam nicknam barkVolum } }`],
  ['schema_on_non_root', `{ dog { __schema { queryType { name } } } }`],
  ['type_on_root', `{ __type(name: "Dog") { name } }`],
  ['unknown_on_root', `{ doggy { name } }`],
  ['many_suggestions', `{ complicatedArgs { ArgField } }`],
];

c.UniqueFragmentNames = [
  ['valid_no_fragments', `{ dog { name } }`],
  ['valid_one', `{ dog { ...fragA } } fragment fragA on Dog { name }`],
  ['valid_many', `{ dog { ...fragA ...fragB ...fragC } } fragment fragA on Dog { name } fragment fragB on Dog { nickname } fragment fragC on Dog { barkVolume }`],
  ['valid_inline', `{ dog { ...on Dog { name } ...on Dog { nickname } } }`],
  ['duplicate', `{ dog { ...fragA } } fragment fragA on Dog { name } fragment fragA on Dog { nickname }`],
  ['duplicate_unused', `fragment fragA on Dog { name } fragment fragA on Dog { nickname }`],
  ['triple', `{ dog { ...fragA } } fragment fragA on Dog { name } fragment fragA on Dog { nickname } fragment fragA on Dog { barks }`],
];

c.KnownFragmentNames = [
  ['valid_known', `{ human(id: 4) { ...HumanFields1 ... on Human { ...HumanFields2 } ... { name } } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields2 on Human { name } fragment HumanFields3 on Human { name }`],
  ['unknown', `{ human(id: 4) { ...UnknownFragment1 ... on Human { ...UnknownFragment2 } } } fragment HumanFields on Human { name ...UnknownFragment3 }`],
];

c.NoUnusedFragments = [
  ['valid_all_used', `{ human(id: 4) { ...HumanFields1 ... on Human { ...HumanFields2 } } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields2 on Human { name } fragment HumanFields3 on Human { name }`],
  ['valid_multiple_operations', `query Foo { human(id: 4) { ...HumanFields1 } } query Bar { human(id: 4) { ...HumanFields2 } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields2 on Human { name } fragment HumanFields3 on Human { name }`],
  ['unused', `query Foo { human(id: 4) { ...HumanFields1 } } query Bar { human(id: 4) { ...HumanFields2 } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields2 on Human { name } fragment HumanFields3 on Human { name } fragment Unused1 on Human { name } fragment Unused2 on Human { name }`],
  ['unused_with_cycle', `query Foo { human(id: 4) { ...HumanFields1 } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields2 on Human { name } fragment HumanFields3 on Human { name } fragment Unused1 on Human { name ...Unused2 } fragment Unused2 on Human { name ...Unused1 }`],
  ['unused_and_unknown', `query Foo { human(id: 4) { ...bar } } fragment foo on Human { name }`],
  ['only_fragments', `fragment A on Dog { name } fragment B on Dog { ...A }`],
  ['used_only_by_unused', `{ dog { name } } fragment A on Dog { ...B } fragment B on Dog { name }`],
];

c.PossibleFragmentSpreads = [
  ['valid_same_object', `fragment objectWithinObject on Dog { ...dogFragment } fragment dogFragment on Dog { barkVolume } { dog { ...objectWithinObject } }`],
  ['valid_same_object_inline', `fragment objectWithinObjectAnon on Dog { ... on Dog { barkVolume } } { dog { ...objectWithinObjectAnon } }`],
  ['valid_object_in_implemented_interface', `fragment objectWithinInterface on Pet { ...dogFragment } fragment dogFragment on Dog { barkVolume } { pet { ...objectWithinInterface } }`],
  ['valid_object_in_union', `fragment objectWithinUnion on CatOrDog { ...dogFragment } fragment dogFragment on Dog { barkVolume } { catOrDog { ...objectWithinUnion } }`],
  ['valid_union_in_contained_object', `fragment unionWithinObject on Dog { ...catOrDogFragment } fragment catOrDogFragment on CatOrDog { __typename } { dog { ...unionWithinObject } }`],
  ['valid_union_in_overlapping_interface', `fragment unionWithinInterface on Pet { ...catOrDogFragment } fragment catOrDogFragment on CatOrDog { __typename } { pet { ...unionWithinInterface } }`],
  ['valid_union_in_overlapping_union', `fragment unionWithinUnion on DogOrHuman { ...catOrDogFragment } fragment catOrDogFragment on CatOrDog { __typename } { dogOrHuman { ...unionWithinUnion } }`],
  ['valid_interface_in_implemented_object', `fragment interfaceWithinObject on Dog { ...petFragment } fragment petFragment on Pet { name } { dog { ...interfaceWithinObject } }`],
  ['valid_interface_in_overlapping_interface', `fragment interfaceWithinInterface on Pet { ...beingFragment } fragment beingFragment on Being { name } { pet { ...interfaceWithinInterface } }`],
  ['valid_interface_in_overlapping_union', `fragment interfaceWithinUnion on CatOrDog { ...petFragment } fragment petFragment on Pet { name } { catOrDog { ...interfaceWithinUnion } }`],
  ['valid_unknown_type', `fragment F on Dog { ... on Unknown { name } ...G } fragment G on Unknown { name } { dog { ...F } }`],
  ['valid_interface_implementing_interface', `fragment F on Mammal { ... on Canine { name } } { mammal { ...F } }`],
  ['different_object_into_object', `fragment invalidObjectWithinObject on Cat { ...dogFragment } fragment dogFragment on Dog { barkVolume } { cat { ...invalidObjectWithinObject } }`],
  ['different_object_into_object_inline', `fragment invalidObjectWithinObjectAnon on Cat { ... on Dog { barkVolume } } { cat { ...invalidObjectWithinObjectAnon } }`],
  ['object_into_not_implementing_interface', `fragment invalidObjectWithinInterface on Pet { ...humanFragment } fragment humanFragment on Human { pets { name } } { pet { ...invalidObjectWithinInterface } }`],
  ['object_into_not_containing_union', `fragment invalidObjectWithinUnion on CatOrDog { ...humanFragment } fragment humanFragment on Human { pets { name } } { catOrDog { ...invalidObjectWithinUnion } }`],
  ['union_into_not_contained_object', `fragment invalidUnionWithinObject on Human { ...catOrDogFragment } fragment catOrDogFragment on CatOrDog { __typename } { human { ...invalidUnionWithinObject } }`],
  ['union_into_non_overlapping_interface', `fragment invalidUnionWithinInterface on Pet { ...humanOrAlienFragment } fragment humanOrAlienFragment on HumanOrAlien { __typename } { pet { ...invalidUnionWithinInterface } }`],
  ['union_into_non_overlapping_union', `fragment invalidUnionWithinUnion on CatOrDog { ...humanOrAlienFragment } fragment humanOrAlienFragment on HumanOrAlien { __typename } { catOrDog { ...invalidUnionWithinUnion } }`],
  ['interface_into_non_implementing_object', `fragment invalidInterfaceWithinObject on Cat { ...intelligentFragment } fragment intelligentFragment on Intelligent { iq } { cat { ...invalidInterfaceWithinObject } }`],
  ['interface_into_non_overlapping_interface', `fragment invalidInterfaceWithinInterface on Pet { ...intelligentFragment } fragment intelligentFragment on Intelligent { iq } { pet { ...invalidInterfaceWithinInterface } }`],
  ['interface_into_non_overlapping_interface_inline', `fragment invalidInterfaceWithinInterfaceAnon on Pet { ...on Intelligent { iq } } { pet { ...invalidInterfaceWithinInterfaceAnon } }`],
  ['interface_into_non_overlapping_union', `fragment invalidInterfaceWithinUnion on HumanOrAlien { ...petFragment } fragment petFragment on Pet { name } { humanOrAlien { ...invalidInterfaceWithinUnion } }`],
  ['spread_at_root', `{ ...dogFragment } fragment dogFragment on Dog { name }`],
];

c.NoFragmentCycles = [
  ['valid_single_reference', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB } fragment fragB on Dog { name }`],
  ['valid_twice', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB, ...fragB } fragment fragB on Dog { name }`],
  ['valid_twice_nested', `{ dog { ...fragA ...fragB } } fragment fragA on Dog { ...fragB, ...fragC } fragment fragB on Dog { ...fragC } fragment fragC on Dog { name }`],
  ['valid_unknown', `{ dog { ...nameFragment } } fragment nameFragment on Pet { ...UnknownFragment }`],
  ['self', `{ dog { ...fragA } } fragment fragA on Dog { ...fragA }`],
  ['self_inline', `{ pet { ...fragA } } fragment fragA on Pet { ... on Dog { ...fragA } }`],
  ['two', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB } fragment fragB on Dog { ...fragA }`],
  ['two_reversed', `{ dog { ...fragB } } fragment fragB on Dog { ...fragA } fragment fragA on Dog { ...fragB }`],
  ['two_inline', `{ pet { ...fragA } } fragment fragA on Pet { ... on Dog { ...fragB } } fragment fragB on Pet { ... on Dog { ...fragA } }`],
  ['deep', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB } fragment fragB on Dog { ...fragC } fragment fragC on Dog { ...fragO } fragment fragX on Dog { ...fragY } fragment fragY on Dog { ...fragZ } fragment fragZ on Dog { ...fragO } fragment fragO on Dog { ...fragP } fragment fragP on Dog { ...fragA, ...fragX }`],
  ['deep_multiple', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB, ...fragC } fragment fragB on Dog { ...fragA } fragment fragC on Dog { ...fragA }`],
  ['deep_multiple_2', `{ dog { ...fragA } } fragment fragA on Dog { ...fragC } fragment fragB on Dog { ...fragC } fragment fragC on Dog { ...fragA, ...fragB }`],
  ['deep_and_immediate', `{ dog { ...fragA } } fragment fragA on Dog { ...fragB } fragment fragB on Dog { ...fragB, ...fragC } fragment fragC on Dog { ...fragA, ...fragB }`],
  ['nested_selection', `{ dog { ...fragA } } fragment fragA on Dog { mother { ...fragB } } fragment fragB on Dog { father { father { ...fragA } } }`],
];

c.UniqueVariableNames = [
  ['valid_unique', `query A($x: Int, $y: String) { __typename } query B($x: String, $y: Int) { __typename }`],
  ['duplicates', `query A($x: Int, $x: Int, $x: String) { __typename } query B($x: String, $x: Int) { __typename } query C($x: Int, $x: Int) { __typename }`],
];

c.NoUndefinedVariables = [
  ['valid_all_defined', `query Foo($a: String, $b: String, $c: String) { field(a: $a, b: $b, c: $c) }`],
  ['valid_deep', `query Foo($a: String, $b: String, $c: String) { field(a: $a) { field(b: $b) { field(c: $c) } } }`],
  ['valid_inline_fragments', `query Foo($a: String, $b: String, $c: String) { ... on Type { field(a: $a) { field(b: $b) { ... on Type { field(c: $c) } } } } }`],
  ['valid_fragments', `query Foo($a: String, $b: String, $c: String) { ...FragA } fragment FragA on Type { field(a: $a) { ...FragB } } fragment FragB on Type { field(b: $b) { ...FragC } } fragment FragC on Type { field(c: $c) }`],
  ['valid_within_single_fragment', `query Foo($a: String) { ...FragA } fragment FragA on Type { field(a: $a) }`],
  ['valid_multiple_operations', `query Foo($a: String) { ...FragA } query Bar($a: String) { ...FragA } fragment FragA on Type { field(a: $a) }`],
  ['undefined', `query Foo($a: String, $b: String, $c: String) { field(a: $a, b: $b, c: $c, d: $d) }`],
  ['undefined_anonymous', `{ field(a: $a) }`],
  ['multiple_undefined', `query Foo($b: String) { field(a: $a, b: $b, c: $c) }`],
  ['undefined_in_fragment', `{ ...FragA } fragment FragA on Type { field(a: $a) }`],
  ['undefined_deep_fragment', `query Foo($a: String, $b: String) { ...FragA } fragment FragA on Type { field(a: $a) { ...FragB } } fragment FragB on Type { field(b: $b) { ...FragC } } fragment FragC on Type { field(c: $c) }`],
  ['multiple_undefined_fragments', `query Foo($b: String) { ...FragA } fragment FragA on Type { field(a: $a) { ...FragB } } fragment FragB on Type { field(b: $b) { ...FragC } } fragment FragC on Type { field(c: $c) }`],
  ['single_fragment_multiple_operations', `query Foo($a: String) { ...FragAB } query Bar($a: String) { ...FragAB } fragment FragAB on Type { field(a: $a, b: $b) }`],
  ['fragment_used_by_two_operations', `query Foo($b: String) { ...FragA } query Bar($a: String) { ...FragB } fragment FragA on Type { field(a: $a) } fragment FragB on Type { field(b: $b) }`],
  ['multiple_in_fragment_used_by_operations', `query Foo($b: String) { ...FragAB } query Bar($a: String) { ...FragAB } fragment FragAB on Type { field1(a: $a, b: $b) ...FragC field3(a: $a, b: $b) } fragment FragC on Type { field2(c: $c) }`],
  ['in_directives', `query Foo { dog @include(if: $cond) { name @skip(if: $other) } }`],
  ['in_operation_directive', `query Foo @withArgs(req: $r) { dog { name } }`],
  ['in_nested_values', `query Foo { complicatedArgs { complexArgField(complexArg: { requiredField: $a, stringListField: [$b, "x"] }) } }`],
  ['in_variable_default_ignored', `query Foo($a: Int = 1) { complicatedArgs { intArgField(intArg: $a) } }`],
];

c.NoUnusedVariables = [
  ['valid_all_used', `query ($a: String, $b: String, $c: String) { field(a: $a, b: $b, c: $c) }`],
  ['valid_deep', `query Foo($a: String, $b: String, $c: String) { field(a: $a) { field(b: $b) { field(c: $c) } } }`],
  ['valid_fragments', `query Foo($a: String, $b: String, $c: String) { ...FragA } fragment FragA on Type { field(a: $a) { ...FragB } } fragment FragB on Type { field(b: $b) { ...FragC } } fragment FragC on Type { field(c: $c) }`],
  ['valid_directive_use', `query Foo($a: Boolean!) { dog @include(if: $a) { name } }`],
  ['unused', `query ($a: String, $b: String, $c: String) { field(a: $a, b: $b) }`],
  ['multiple_unused', `query Foo($a: String, $b: String, $c: String) { field(b: $b) }`],
  ['unused_in_fragments', `query Foo($a: String, $b: String, $c: String) { ...FragA } fragment FragA on Type { field(a: $a) { ...FragB } } fragment FragB on Type { field(b: $b) { ...FragC } } fragment FragC on Type { field }`],
  ['unused_fragment_uses_it', `query Foo($b: String) { ...FragA } fragment FragA on Type { field(a: $a) } fragment FragB on Type { field(b: $b) }`],
  ['two_operations', `query Foo($b: String) { ...FragA } query Bar($a: String) { ...FragB } fragment FragA on Type { field(a: $a) } fragment FragB on Type { field(b: $b) }`],
  ['used_only_in_default', `query Foo($a: Int, $b: Int = 1) { dog { name } }`],
];

c.KnownDirectives = [
  ['valid_no_directives', `query Foo { name ...Frag } fragment Frag on Dog { name }`],
  ['valid_known', `{ dog @include(if: true) { name } human @skip(if: false) { name } }`],
  ['unknown', `{ dog @unknown(directive: "value") { name } }`],
  ['many_unknown', `{ dog @unknown(directive: "value") { name } human @unknown(directive: "value") { name pets @unknown(directive: "value") { name } } }`],
  ['valid_well_placed', `query ($var: Boolean @onVariableDefinition) @onQuery { name @include(if: $var) ...Frag @include(if: true) skippedField @skip(if: true) ...SkippedFrag @skip(if: true) ... @skip(if: true) { skippedField } } mutation @onMutation { someField } subscription @onSubscription { someField } fragment Frag on SomeType @onFragmentDefinition { someField }`],
  ['misplaced', `query ($var: Boolean @onQuery) @onMutation { name @onQuery @include(if: $var) ...Frag @onQuery ... @onQuery { skippedField } } mutation @onQuery { someField } subscription @onQuery { someField } fragment Frag on SomeType @onQuery { someField }`],
  ['misplaced_spread_inline', `{ dog { ...F @onInlineFragment ... @onFragmentSpread { name } } } fragment F on Dog @onField { name }`],
  ['deprecated_in_query', `{ dog @deprecated { name } }`],
  ['oneOf_in_query', `{ dog @oneOf { name } }`],
];

c.UniqueDirectivesPerLocation = [
  ['valid_no_directives', `fragment Test on Type { field }`],
  ['valid_unique', `fragment Test on Type { field @directiveA @directiveB }`],
  ['valid_different_locations', `fragment Test on Type @directiveA { field @directiveA }`],
  ['valid_unique_similar', `fragment Test on Type { field @directiveA @directiveB field @directiveA @directiveB }`],
  ['valid_repeatable', `fragment Test on Type { field @repeatable @repeatable }`],
  ['valid_unknown_repeated', `fragment Test on Type { field @unknown @unknown }`],
  ['duplicate', `fragment Test on Type { field @directive @directive }`],
  ['many_duplicates', `fragment Test on Type { field @directive @directive @directive }`],
  ['different_duplicates', `fragment Test on Type { field @directiveA @directiveB @directiveA @directiveB }`],
  ['duplicate_many_locations', `fragment Test on Type @directive @directive { field @directive @directive }`],
  ['duplicate_skip', `{ dog @skip(if: true) @skip(if: false) { name } }`],
  ['duplicate_on_operation', `query Q @onQuery @onQuery { dog { name } }`],
  ['duplicate_on_spread_and_inline', `{ dog { ...F @directive @directive ... @directive @directive { name } } } fragment F on Dog { name }`],
];

c.KnownArgumentNames = [
  ['valid_single', `fragment argOnRequiredArg on Dog { doesKnowCommand(dogCommand: SIT) }`],
  ['valid_multiple', `fragment multipleArgs on ComplicatedArgs { multipleReqs(req1: 1, req2: 2) }`],
  ['valid_ignore_unknown_field', `fragment argOnUnknownField on Dog { unknownField(unknownArg: SIT) }`],
  ['valid_reverse_order', `fragment multipleArgsReverseOrder on ComplicatedArgs { multipleReqs(req2: 2, req1: 1) }`],
  ['valid_optional_omitted', `fragment noArgOnOptionalArg on Dog { isHouseTrained }`],
  ['valid_deep', `{ dog { doesKnowCommand(dogCommand: SIT) } human { pet { name } } }`],
  ['valid_directive_args', `{ dog @skip(if: true) }`],
  ['unknown_directive_arg', `{ dog @skip(iff: true) }`],
  ['misspelled_directive_arg', `{ dog @skip(iff: true) { name } }`],
  ['unknown_directive_ignored', `{ dog @unknown(x: 1) { name } }`],
  ['unknown_field_arg', `fragment invalidArgName on Dog { doesKnowCommand(unknown: true) }`],
  ['misspelled_field_arg', `fragment invalidArgName on Dog { doesKnowCommand(DogCommand: true) }`],
  ['unknown_args_amongst_known', `fragment oneGoodArgOneInvalidArg on Dog { doesKnowCommand(whoKnows: 1, dogCommand: SIT, unknown: true) }`],
  ['unknown_args_deep', `{ dog { doesKnowCommand(unknown: true) } human { pet { ... on Dog { doesKnowCommand(unknown: true) } } } }`],
  ['unknown_arg_on_meta_field', `{ __typename(x: 1) __type(name: "Dog", nam: "x") { name } }`],
  ['unknown_arg_on_interface_field', `{ pet { name(surnam: true) } }`],
];

c.UniqueArgumentNames = [
  ['valid_no_args', `{ field }`],
  ['valid_one', `{ field(arg: "value") }`],
  ['valid_same_arg_two_fields', `{ one: field(arg: "value") two: field(arg: "value") }`],
  ['valid_same_arg_field_and_directive', `{ field(arg: "value") @directive(arg: "value") }`],
  ['valid_multiple', `{ field(arg1: "value", arg2: "value", arg3: "value") }`],
  ['duplicate_field_args', `{ field(arg1: "value", arg1: "value") }`],
  ['many_duplicate_field_args', `{ field(arg1: "value", arg1: "value", arg1: "value") }`],
  ['duplicate_directive_args', `{ field @directive(arg1: "value", arg1: "value") }`],
  ['many_duplicate_directive_args', `{ field @directive(arg1: "value", arg1: "value", arg1: "value") }`],
  ['duplicate_known_args', `{ dog { isAtLocation(x: 1, y: 2, x: 3, y: 4) } }`],
];

c.ValuesOfCorrectType = [
  ['valid_int', `{ complicatedArgs { intArgField(intArg: 2) } }`],
  ['valid_negative_int', `{ complicatedArgs { intArgField(intArg: -2) } }`],
  ['valid_boolean', `{ complicatedArgs { booleanArgField(booleanArg: true) } }`],
  ['valid_string', `{ complicatedArgs { stringArgField(stringArg: "foo") } }`],
  ['valid_float', `{ complicatedArgs { floatArgField(floatArg: 1.1) } }`],
  ['valid_negative_float', `{ complicatedArgs { floatArgField(floatArg: -1.1) } }`],
  ['valid_int_into_float', `{ complicatedArgs { floatArgField(floatArg: 1) } }`],
  ['valid_int_into_id', `{ complicatedArgs { idArgField(idArg: 1) } }`],
  ['valid_string_into_id', `{ complicatedArgs { idArgField(idArg: "someIdString") } }`],
  ['valid_enum', `{ dog { doesKnowCommand(dogCommand: SIT) } }`],
  ['valid_enum_value', `{ complicatedArgs { enumArgField(enumArg: UNKNOWN) } }`],
  ['valid_null_into_nullable', `{ complicatedArgs { intArgField(intArg: null) } dog(a: null) { name } }`],
  ['valid_max_int', `{ complicatedArgs { intArgField(intArg: 2147483647) } }`],
  ['valid_min_int', `{ complicatedArgs { intArgField(intArg: -2147483648) } }`],
  ['int_above_range', `{ complicatedArgs { intArgField(intArg: 2147483648) } }`],
  ['int_below_range', `{ complicatedArgs { intArgField(intArg: -2147483649) } }`],
  ['int_huge', `{ complicatedArgs { intArgField(intArg: 123456789012345678901234567890) } }`],
  ['int_leading_zeros_impossible_big', `{ complicatedArgs { intArgField(intArg: 9999999999) } }`],
  ['string_into_int', `{ complicatedArgs { intArgField(intArg: "3") } }`],
  ['big_int_into_int', `{ complicatedArgs { intArgField(intArg: 829384293849283498239482938) } }`],
  ['unquoted_string_into_int', `{ complicatedArgs { intArgField(intArg: FOO) } }`],
  ['float_into_int', `{ complicatedArgs { intArgField(intArg: 3.0) } }`],
  ['float_into_int_2', `{ complicatedArgs { intArgField(intArg: 3.333) } }`],
  ['string_into_float', `{ complicatedArgs { floatArgField(floatArg: "3.333") } }`],
  ['boolean_into_float', `{ complicatedArgs { floatArgField(floatArg: true) } }`],
  ['enum_into_float', `{ complicatedArgs { floatArgField(floatArg: FOO) } }`],
  ['int_into_boolean', `{ complicatedArgs { booleanArgField(booleanArg: 2) } }`],
  ['float_into_boolean', `{ complicatedArgs { booleanArgField(booleanArg: 1.0) } }`],
  ['string_into_boolean', `{ complicatedArgs { booleanArgField(booleanArg: "true") } }`],
  ['enum_into_boolean', `{ complicatedArgs { booleanArgField(booleanArg: TRUE) } }`],
  ['float_into_id', `{ complicatedArgs { idArgField(idArg: 1.0) } }`],
  ['boolean_into_id', `{ complicatedArgs { idArgField(idArg: true) } }`],
  ['enum_into_id', `{ complicatedArgs { idArgField(idArg: SOMETHING) } }`],
  ['int_into_string', `{ complicatedArgs { stringArgField(stringArg: 1) } }`],
  ['float_into_string', `{ complicatedArgs { stringArgField(stringArg: 1.0) } }`],
  ['boolean_into_string', `{ complicatedArgs { stringArgField(stringArg: true) } }`],
  ['enum_into_string', `{ complicatedArgs { stringArgField(stringArg: BAR) } }`],
  ['list_into_string', `{ complicatedArgs { stringArgField(stringArg: ["a", "b"]) } }`],
  ['object_into_string', `{ complicatedArgs { stringArgField(stringArg: {a: 1, b: "x"}) } }`],
  ['block_string_into_int', `{ complicatedArgs { intArgField(intArg: """block""") } }`],
  ['int_into_enum', `{ dog { doesKnowCommand(dogCommand: 2) } }`],
  ['float_into_enum', `{ dog { doesKnowCommand(dogCommand: 1.0) } }`],
  ['string_into_enum', `{ dog { doesKnowCommand(dogCommand: "SIT") } }`],
  ['boolean_into_enum', `{ dog { doesKnowCommand(dogCommand: true) } }`],
  ['unknown_enum_value', `{ dog { doesKnowCommand(dogCommand: JUGGLE) } }`],
  ['different_case_enum', `{ dog { doesKnowCommand(dogCommand: sit) } }`],
  ['enum_suggestion', `{ complicatedArgs { enumArgField(enumArg: BROWNN) } }`],
  ['null_into_non_null', `{ complicatedArgs { nonNullIntArgField(nonNullIntArg: null) } }`],
  ['valid_list', `{ complicatedArgs { stringListArgField(stringListArg: ["one", null, "two"]) } }`],
  ['valid_empty_list', `{ complicatedArgs { stringListArgField(stringListArg: []) } }`],
  ['valid_null_list', `{ complicatedArgs { stringListArgField(stringListArg: null) } }`],
  ['valid_single_into_list', `{ complicatedArgs { stringListArgField(stringListArg: "one") } }`],
  ['incorrect_item_type', `{ complicatedArgs { stringListArgField(stringListArg: ["one", 2]) } }`],
  ['single_value_invalid', `{ complicatedArgs { stringListArgField(stringListArg: 1) } }`],
  ['null_in_non_null_list', `{ complicatedArgs { stringListNonNullArgField(stringListNonNullArg: ["a", null, "b"]) } }`],
  ['nested_list_into_list', `{ complicatedArgs { stringListArgField(stringListArg: [["a"], "b"]) } }`],
  ['valid_arg_on_optional', `{ dog { isHouseTrained(atOtherHomes: true) } }`],
  ['valid_multiple_reqs', `{ complicatedArgs { multipleReqs(req1: 1, req2: 2) } }`],
  ['incorrect_multiple_reqs', `{ complicatedArgs { multipleReqs(req2: "two", req1: "one") } }`],
  ['incorrect_reqs_and_one_unknown', `{ complicatedArgs { multipleReqs(req1: "one") } }`],
  ['null_reqs', `{ complicatedArgs { multipleReqs(req1: null) } }`],
  ['valid_optional_input_fields', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true }) } }`],
  ['valid_input_all_fields', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, intField: 4, stringField: "foo", booleanField: false, stringListField: ["one", "two"] }) } }`],
  ['valid_input_field_order', `{ complicatedArgs { complexArgField(complexArg: { stringListField: ["one", "two"], requiredField: true }) } }`],
  ['missing_required_input_field', `{ complicatedArgs { complexArgField(complexArg: { intField: 4 }) } }`],
  ['input_partial_invalid', `{ complicatedArgs { complexArgField(complexArg: { stringListField: ["one", 2], requiredField: true }) } }`],
  ['unknown_input_field', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, invalidField: "value" }) } }`],
  ['unknown_input_field_suggestion', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, strinField: "value" }) } }`],
  ['null_required_input_field', `{ complicatedArgs { complexArgField(complexArg: { requiredField: null, intField: null }) } }`],
  ['scalar_into_input_object', `{ complicatedArgs { complexArgField(complexArg: "notAnObject") } }`],
  ['list_into_input_object', `{ complicatedArgs { complexArgField(complexArg: [{ requiredField: true }, 1]) } }`],
  ['many_input_problems', `{ complicatedArgs { complexArgField(complexArg: { intField: "x", stringField: 1, booleanField: "y", unknownA: 1, unknownB: 2 }) } }`],
  ['duplicate_input_field_last_wins', `{ complicatedArgs { complexArgField(complexArg: { requiredField: "x", requiredField: true }) } }`],
  ['valid_oneof', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: "abc" }) } }`],
  ['valid_oneof_variable', `query ($string: String!) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
  ['oneof_two_fields', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: "abc", intField: 123 }) } }`],
  ['oneof_null_field', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: null }) } }`],
  ['oneof_empty', `{ complicatedArgs { oneOfArgField(oneOfArg: {}) } }`],
  ['oneof_two_with_variable', `query ($string: String) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string, intField: 1 }) } }`],
  ['oneof_unknown_field', `{ oneOfField(input: { unknown: 1 }) }`],
  ['oneof_wrong_type', `{ oneOfField(input: { intField: "x" }) }`],
  ['oneof_in_list', `{ listOfOneOf(input: [{ intField: 1 }, { intField: 1, stringField: "a" }, {}]) }`],
  ['oneof_non_null_arg', `{ oneOfNonNull(input: { intField: 1, stringField: "a" }) }`],
  ['valid_directive_args', `{ dog @include(if: true) { name } human @skip(if: false) { name } }`],
  ['directive_arg_wrong_type', `{ dog @include(if: "yes") { name @skip(if: ENUM) } }`],
  ['directive_arg_null', `{ dog @include(if: null) { name } }`],
  ['valid_variable_defaults', `query WithDefaultValues($a: Int = 1, $b: String = "ok", $c: ComplexInput = { requiredField: true, intField: 3 } $d: Int! = 3) { dog { name } }`],
  ['valid_variable_defaults_null', `query WithDefaultValues($a: Int = null, $b: String = null, $c: ComplexInput = { requiredField: true, intField: null }) { dog { name } }`],
  ['invalid_variable_defaults_non_null', `query WithDefaultValues($a: Int! = null, $b: String! = null, $c: ComplexInput = { requiredField: null, intField: null }) { dog { name } }`],
  ['invalid_variable_defaults', `query InvalidDefaultValues($a: Int = "one", $b: String = 4, $c: ComplexInput = "NotVeryComplex") { dog { name } }`],
  ['invalid_complex_default', `query WithDefaultValues($a: ComplexInput = { requiredField: 123, intField: "abc" }) { dog { name } }`],
  ['missing_required_in_default', `query MissingRequiredField($a: ComplexInput = {intField: 3}) { dog { name } }`],
  ['invalid_list_default', `query InvalidItem($a: [String] = ["one", 2]) { dog { name } }`],
  ['custom_scalar_any_literal', `{ invalidArg(arg: 123) anyArg(arg: { deep: [1, "two", THREE] }) }`],
  ['unknown_arg_value_not_checked', `{ complicatedArgs { intArgField(unknown: "x") } }`],
  ['variable_in_list', `query ($x: String) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [$x, 1]) } }`],
  ['unknown_directive_uses_field_args', `{ complicatedArgs { intArgField(intArg: 1) @unknown(intArg: "x") } }`],
  ['withargs_problems', `{ dog @withArgs(req: "a", opt: 1, list: [1, "2"], input: { booleanField: 1 }) { name } }`],
  ['nested_object_in_list_field', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, stringListField: [{a: 1}] }) } }`],
  ['long_value_printed', `{ complicatedArgs { stringArgField(stringArg: { aaaaaaaaaaaa: 1, bbbbbbbbbbbbbbbb: 2, cccccccccccccccccc: 3, ddddddddddddddddd: 4, eeeeeeeeeeeeee: 5 }) } }`],
  ['string_escapes_printed', `{ complicatedArgs { intArgField(intArg: "a\\"b\\\\c\\n\\u00e9") } }`],
];

c.ProvidedRequiredArguments = [
  ['valid_ignore_unknown', `{ dog { isHouseTrained(unknownArgument: true) } }`],
  ['valid_arg_on_optional', `{ dog { isHouseTrained(atOtherHomes: true) } }`],
  ['valid_no_arg_on_optional', `{ dog { isHouseTrained } }`],
  ['valid_no_arg_non_null_default', `{ complicatedArgs { nonNullFieldWithDefault } }`],
  ['valid_multiple_args', `{ complicatedArgs { multipleReqs(req1: 1, req2: 2) } }`],
  ['valid_multiple_args_reverse', `{ complicatedArgs { multipleReqs(req2: 2, req1: 1) } }`],
  ['valid_no_args_multiple_optional', `{ complicatedArgs { multipleOpts } }`],
  ['valid_one_arg_multiple_optional', `{ complicatedArgs { multipleOpts(opt1: 1) } }`],
  ['valid_all_required_and_optional', `{ complicatedArgs { multipleOptAndReq(req1: 3, req2: 4, opt1: 5, opt2: 6) } }`],
  ['missing_one_non_nullable', `{ complicatedArgs { multipleReqs(req2: 2) } }`],
  ['missing_multiple', `{ complicatedArgs { multipleReqs } }`],
  ['incorrect_value_and_missing', `{ complicatedArgs { multipleReqs(req1: "one") } }`],
  ['valid_directives', `{ dog @include(if: true) { name } human @skip(if: false) { name } }`],
  ['missing_directive_args', `{ dog @include { name @skip } }`],
  ['missing_custom_directive_arg', `query Q @withArgs { dog { name } }`],
  ['missing_type_meta_arg', `{ __type { name } }`],
  ['null_given_counts_as_provided', `{ complicatedArgs { multipleReqs(req1: null, req2: null) } }`],
  ['missing_in_fragment', `{ ...F } fragment F on QueryRoot { complicatedArgs { nonNullIntArgField } }`],
];

c.VariablesInAllowedPosition = [
  ['valid_boolean_to_boolean', `query Query($booleanArg: Boolean) { complicatedArgs { booleanArgField(booleanArg: $booleanArg) } }`],
  ['valid_boolean_to_boolean_in_fragment', `fragment booleanArgFrag on ComplicatedArgs { booleanArgField(booleanArg: $booleanArg) } query Query($booleanArg: Boolean) { complicatedArgs { ...booleanArgFrag } }`],
  ['valid_fragment_before_operation', `query Query($booleanArg: Boolean) { complicatedArgs { ...booleanArgFrag } } fragment booleanArgFrag on ComplicatedArgs { booleanArgField(booleanArg: $booleanArg) }`],
  ['valid_non_null_to_nullable', `query Query($nonNullBooleanArg: Boolean!) { complicatedArgs { booleanArgField(booleanArg: $nonNullBooleanArg) } }`],
  ['valid_non_null_to_nullable_in_fragment', `fragment booleanArgFrag on ComplicatedArgs { booleanArgField(booleanArg: $nonNullBooleanArg) } query Query($nonNullBooleanArg: Boolean!) { complicatedArgs { ...booleanArgFrag } }`],
  ['valid_list_to_list', `query Query($stringListVar: [String]) { complicatedArgs { stringListArgField(stringListArg: $stringListVar) } }`],
  ['valid_non_null_list_to_list', `query Query($stringListVar: [String!]) { complicatedArgs { stringListArgField(stringListArg: $stringListVar) } }`],
  ['valid_string_to_list_item', `query Query($stringVar: String) { complicatedArgs { stringListArgField(stringListArg: [$stringVar]) } }`],
  ['valid_non_null_string_to_list_item', `query Query($stringVar: String!) { complicatedArgs { stringListArgField(stringListArg: [$stringVar]) } }`],
  ['valid_complex_input', `query Query($complexVar: ComplexInput) { complicatedArgs { complexArgField(complexArg: $complexVar) } }`],
  ['valid_input_field', `query Query($boolVar: Boolean = false) { complicatedArgs { complexArgField(complexArg: {requiredField: $boolVar}) } }`],
  ['valid_non_null_to_directive', `query Query($boolVar: Boolean!) { dog @include(if: $boolVar) }`],
  ['valid_default_to_directive', `query Query($boolVar: Boolean = false) { dog @include(if: $boolVar) }`],
  ['int_to_non_null_int', `query Query($intArg: Int) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $intArg) } }`],
  ['int_to_non_null_int_in_fragment', `fragment nonNullIntArgFieldFrag on ComplicatedArgs { nonNullIntArgField(nonNullIntArg: $intArg) } query Query($intArg: Int) { complicatedArgs { ...nonNullIntArgFieldFrag } }`],
  ['int_to_non_null_int_nested_fragment', `fragment outerFrag on ComplicatedArgs { ...nonNullIntArgFieldFrag } fragment nonNullIntArgFieldFrag on ComplicatedArgs { nonNullIntArgField(nonNullIntArg: $intArg) } query Query($intArg: Int) { complicatedArgs { ...outerFrag } }`],
  ['string_to_boolean', `query Query($stringVar: String) { complicatedArgs { booleanArgField(booleanArg: $stringVar) } }`],
  ['string_to_list', `query Query($stringVar: String) { complicatedArgs { stringListArgField(stringListArg: $stringVar) } }`],
  ['boolean_to_non_null_directive', `query Query($boolVar: Boolean) { dog @include(if: $boolVar) }`],
  ['string_to_non_null_directive', `query Query($stringVar: String) { dog @include(if: $stringVar) }`],
  ['list_to_non_null_list', `query Query($stringListVar: [String]) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: $stringListVar) } }`],
  ['valid_int_with_default_to_non_null', `query Query($intVar: Int = 1) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $intVar) } }`],
  ['int_with_null_default_to_non_null', `query Query($intVar: Int = null) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $intVar) } }`],
  ['valid_int_to_non_null_with_field_default', `query Query($intVar: Int) { complicatedArgs { nonNullFieldWithDefault(arg: $intVar) } }`],
  ['boolean_with_default_to_non_null_input_field', `query Query($boolVar: Boolean = false) { complicatedArgs { complexArgField(complexArg: {requiredField: $boolVar, nonNullField: $boolVar}) } }`],
  ['nullable_to_non_null_input_field_with_default', `query Query($boolVar: Boolean) { complicatedArgs { complexArgField(complexArg: {requiredField: true, nonNullField: $boolVar}) } }`],
  ['valid_oneof_non_null_variable', `query Query($string: String!) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
  ['oneof_nullable_variable', `query Query($string: String) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
  ['oneof_nullable_variable_with_default', `query Query($string: String = "x") { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
  ['oneof_in_list_nullable_variable', `query Query($i: Int) { listOfOneOf(input: [{ intField: $i }]) }`],
  ['oneof_non_null_arg_nullable_variable', `query Query($i: Int) { oneOfNonNull(input: { intField: $i }) }`],
  ['undefined_variable_not_checked', `query Query { complicatedArgs { nonNullIntArgField(nonNullIntArg: $undefined) } }`],
  ['unknown_variable_type_not_checked', `query Query($x: Unknown) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $x) } }`],
  ['two_operations_share_fragment', `query A($intArg: Int) { complicatedArgs { ...F } } query B($intArg: Int!) { complicatedArgs { ...F } } fragment F on ComplicatedArgs { nonNullIntArgField(nonNullIntArg: $intArg) }`],
  ['duplicate_variable_last_wins', `query Q($a: String, $a: Int!) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $a) } }`],
  ['interface_subtype', `query Q($a: [String!]!) { complicatedArgs { stringListArgField(stringListArg: $a) } }`],
];

c.OverlappingFieldsCanBeMerged = [
  ['valid_unique_fields', `fragment uniqueFields on Dog { name nickname }`],
  ['valid_identical_fields', `fragment mergeIdenticalFields on Dog { name name }`],
  ['valid_identical_fields_with_args', `fragment mergeIdenticalFieldsWithIdenticalArgs on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: SIT) }`],
  ['valid_identical_fields_with_directives', `fragment mergeSameFieldsWithSameDirectives on Dog { name @include(if: true) name @include(if: true) }`],
  ['valid_different_args_different_aliases', `fragment differentArgsWithDifferentAliases on Dog { knowsSit: doesKnowCommand(dogCommand: SIT) knowsDown: doesKnowCommand(dogCommand: DOWN) }`],
  ['valid_different_directives_different_aliases', `fragment differentDirectivesWithDifferentAliases on Dog { nameIfTrue: name @include(if: true) nameIfFalse: name @include(if: false) }`],
  ['valid_different_skip_include', `fragment differentDirectivesWithDifferentAliases on Dog { name @include(if: true) name @include(if: false) }`],
  ['same_alias_different_fields', `fragment sameAliasesWithDifferentFieldTargets on Dog { fido: name fido: nickname }`],
  ['valid_same_alias_different_fields_disjoint_types', `fragment sameAliasesWithDifferentFieldTargets on Pet { ... on Dog { name } ... on Cat { name: nickname } }`],
  ['alias_masking_direct_field', `fragment aliasMaskingDirectFieldAccess on Dog { name: nickname name }`],
  ['different_args_one_without', `fragment conflictingArgs on Dog { doesKnowCommand doesKnowCommand(dogCommand: HEEL) }`],
  ['different_args', `fragment conflictingArgs on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) }`],
  ['different_args_values_vs_variable', `query ($dogCommand: DogCommand) { dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: $dogCommand) } }`],
  ['different_variables', `query ($a: DogCommand, $b: DogCommand) { dog { doesKnowCommand(dogCommand: $a) doesKnowCommand(dogCommand: $b) } }`],
  ['valid_same_variables', `query ($a: DogCommand) { dog { doesKnowCommand(dogCommand: $a) doesKnowCommand(dogCommand: $a) } }`],
  ['args_string_vs_block_string', `{ complicatedArgs { stringArgField(stringArg: "a") stringArgField(stringArg: """a""") } }`],
  ['valid_args_object_order', `{ complicatedArgs { complexArgField(complexArg: {requiredField: true, intField: 1}) complexArgField(complexArg: {intField: 1, requiredField: true}) } }`],
  ['args_list_differ', `{ complicatedArgs { stringListArgField(stringListArg: ["a", "b"]) stringListArgField(stringListArg: ["b", "a"]) } }`],
  ['valid_different_args_disjoint_types', `fragment conflictingArgs on Pet { ... on Dog { name(surname: true) } ... on Cat { name } }`],
  ['encounters_conflict_in_fragments', `{ ...A ...B } fragment A on Type { x: a } fragment B on Type { x: b }`],
  ['reports_each_conflict_once', `{ f1 { ...A ...B } f2 { ...B ...A } f3 { ...A ...B x: c } } fragment A on Type { x: a } fragment B on Type { x: b }`],
  ['deep_conflict', `{ field { x: a } field { x: b } }`],
  ['deep_conflict_multiple_issues', `{ field { x: a y: c } field { x: b y: d } }`],
  ['very_deep_conflict', `{ field { deepField { x: a } } field { deepField { x: b } } }`],
  ['reports_deep_conflict_to_nearest_common_ancestor', `{ field { deepField { x: a } deepField { x: b } } field { deepField { y } } }`],
  ['reports_deep_conflict_in_fragments', `{ field { ...F } field { ...F } } fragment F on T { deeperField { x: a } deeperField { x: b } } fragment G on T { deeperField { y } }`],
  ['reports_deep_conflict_between_fragments', `{ field { ...F } field { ...I } } fragment F on T { x: a ...G } fragment G on T { y: c } fragment I on T { y: d ...J } fragment J on T { x: b }`],
  ['ignores_unknown_fragments', `{ field ...Unknown ...Known } fragment Known on T { field ...OtherUnknown }`],
  ['conflicting_return_types', `{ someBox { ... on IntBox { scalar } ... on StringBox { scalar } } }`],
  ['dog_conflicting_types_same_name', `{ pet { ... on Dog { barkVolume: name } ... on Cat { barkVolume: meowsVolume } } }`],
  ['valid_dog_cat_same_type', `{ pet { ... on Dog { nickname } ... on Cat { nickname } } }`],
  ['conflicting_list_vs_non_list', `{ human { relatives { name } } human { relatives: pets { name } } }`],
  ['types_conflict_nullability', `{ human { ... on Human { x: relatives { name } } } dogOrHuman { ... on Human { x: pets { name } } } }`],
  ['interface_shared_parent_conflict', `{ pet { name ... on Dog { name: nickname } } }`],
  ['mutually_exclusive_deep', `{ catOrDog { ... on Dog { mother { name } } ... on Cat { mother: nickname } } }`],
  ['mutually_exclusive_subfields_conflict', `{ catOrDog { ... on Dog { x: mother { name: nickname } } ... on Cat { x: name } } }`],
  ['scalar_vs_object_across_types', `{ catOrDog { ... on Dog { x: mother { name } } ... on Cat { x: nickname } } }`],
  ['same_fragment_spread_twice', `{ dog { ...F ...F } } fragment F on Dog { name }`],
  ['fragment_vs_field_conflict', `{ dog { name ...F } } fragment F on Dog { name: nickname }`],
  ['fragment_spread_within_itself', `{ dog { ...F } } fragment F on Dog { name ...F }`],
  ['fragment_cycle_pairs', `{ dog { ...A ...B } } fragment A on Dog { x: name ...B } fragment B on Dog { x: nickname ...A }`],
  ['nested_fragment_conflict', `{ dog { ...A } dog { ...B } } fragment A on Dog { mother { x: name } } fragment B on Dog { mother { x: nickname } }`],
  ['typename_alias_conflict', `{ dog { name: __typename name } }`],
  ['valid_typename_twice', `{ dog { __typename __typename } catOrDog { __typename ... on Dog { __typename } } }`],
  ['inline_fragment_single_selection', `{ dog { ... on Dog { name } } }`],
  ['many_conflicts', `{ dog { a: name a: nickname a: barks b: name b: nickname } }`],
  ['arguments_differ_in_nested', `{ dog { mother { name(surname: true) } mother { name(surname: false) } } }`],
  ['unknown_fields_merge', `{ dog { x: unknownA x: unknownB y: unknownA y: unknownA } }`],
  ['deep_subfield_list_of_nodes', `{ dog { mother { mother { a: name b: name } } mother { mother { a: nickname b: nickname } } } }`],
  ['stream_directive_overlap', `{ human { pets @stream(initialCount: 1) { name } pets { name } } }`],
];

c.UniqueInputFieldNames = [
  ['valid_one', `{ field(arg: { f: true }) }`],
  ['valid_same_in_two_args', `{ field(arg1: { f: true }, arg2: { f: true }) }`],
  ['valid_multiple', `{ field(arg: { f1: "value", f2: "value", f3: "value" }) }`],
  ['valid_nested', `{ field(arg: { deep: { deep: { id: 1 } id: 1 } id: 1 }) }`],
  ['duplicate', `{ field(arg: { f1: "value", f1: "value" }) }`],
  ['many_duplicates', `{ field(arg: { f1: "value", f1: "value", f1: "value" }) }`],
  ['nested_duplicates', `{ field(arg: { f1: {f2: "value", f2: "value" }}) }`],
  ['in_list', `{ field(arg: [{ a: 1, a: 2 }, { b: 1 }, { b: 1, b: 2 }]) }`],
  ['in_variable_default', `query ($x: ComplexInput = { requiredField: true, requiredField: false }) { dog { name } }`],
  ['in_directive', `{ dog @withArgs(req: 1, input: { requiredField: true, intField: 1, intField: 2 }) { name } }`],
];

c.MaxIntrospectionDepth = [
  ['valid_simple', `{ __schema { types { name } } }`],
  ['valid_two_levels', `{ __schema { types { fields { type { name } } } } }`],
  ['fields_three_levels', `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`],
  ['interfaces_three_levels', `{ __schema { types { interfaces { interfaces { interfaces { name } } } } } }`],
  ['possible_types_three_levels', `{ __schema { types { possibleTypes { possibleTypes { possibleTypes { name } } } } } }`],
  ['input_fields_three_levels', `{ __schema { types { inputFields { type { inputFields { type { inputFields { name } } } } } } } }`],
  ['valid_type_two_levels', `{ __type(name: "Dog") { fields { type { fields { name } } } } }`],
  ['type_three_levels', `{ __type(name: "Dog") { fields { type { fields { type { fields { name } } } } } } }`],
  ['via_fragments', `{ __schema { types { ...F } } } fragment F on __Type { fields { type { ...G } } } fragment G on __Type { fields { type { fields { name } } } }`],
  ['valid_via_fragments', `{ __schema { types { ...F } } } fragment F on __Type { fields { name } interfaces { name } possibleTypes { name } inputFields { name } }`],
  ['fragment_cycle_no_hang', `{ __schema { types { ...F } } } fragment F on __Type { ofType { ...F } }`],
  ['nested_both_report', `{ a: __schema { types { fields { type { fields { type { fields { name } } } } } } } b: __type(name: "Dog") { fields { type { fields { type { fields { name } } } } } } }`],
  ['inline_fragments', `{ __schema { types { ... on __Type { fields { type { ... { fields { type { fields { name } } } } } } } } } }`],
  ['valid_not_introspection', `{ dog { mother { mother { mother { name } } } } }`],
];

c.Combined = [
  ['kitchen_sink_valid', `query Q($id: ID, $cmd: DogCommand = SIT, $skip: Boolean!) @onQuery { human(id: $id) { name pets { name ... on Dog { doesKnowCommand(dogCommand: $cmd) @skip(if: $skip) } ...CatFields } } dog { ...DogFields } } fragment CatFields on Cat { meows furColor } fragment DogFields on Dog { nickname barkVolume isHouseTrained(atOtherHomes: false) }`],
  ['errors_in_traversal_order', `query Q($v: Dog, $u: Int) { dog(x: 1) @unknown { name(surname: "yes") ...F @onField unknownField } cat { meows { x } } } fragment F on Dog { nickname: name } fragment G on Cat { name }`],
  ['everything_wrong', `mutation M($a: Int, $a: String) @skip(if: true) { a: dog b: cat { ...X } } query M { __type { ...Y } } { x } fragment Y on __Type { name } fragment Y on Int { x }`],
  ['too_many_errors', `{ ${Array.from({ length: 120 }, (_, i) => `f${i}`).join(' ')} }`],
  ['too_many_errors_exactly_100', `{ ${Array.from({ length: 100 }, (_, i) => `f${i}`).join(' ')} }`],
  ['too_many_errors_101', `{ ${Array.from({ length: 101 }, (_, i) => `f${i}`).join(' ')} }`],
  ['operation_description_location', `"op desc" query Q { dog { doesKnowCommand(dogCommand: $x) } }`],
  ['variable_description_location', `query Q("var desc" $a: Int, "b" $b: Int, "b" $b: Int) { dog { name } }`],
  ['variable_block_description_location', `query Q(
  """
  multi \\""" line é
  """
  $a: Int,
  "x\\"y" # comment
  $
  a: Int
) { dog { name } }`],
  ['fragment_description_location', `"""frag""" fragment F on Dog { name } { dog { name } }`],
  ['non_ascii_columns', `{ dog { name(surname: "é\\u{1F600}") } cat { meows(x: "😀😀") } }`],
  ['introspection_query_graphiql', globalThis.getIntrospectionQuery()],
  ['introspection_query_full', globalThis.getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true })],
  ['introspection_query_deep', globalThis.getIntrospectionQuery({ typeDepth: 20 })],
  ['directive_on_variable_and_fragment', `query ($a: Int @onVariableDefinition @onField @onVariableDefinition) { dog { ...F } } fragment F on Dog @onFragmentDefinition @onQuery { name }`],
];

// Hostile documents: graphql-js's work budgets end validation with
// "Validation aborted." at the same point, and the error limit at 100.
c.Limits = [
  ['overlap_budget_repeated_fields', `{ dog { ${'name '.repeat(2000)}} }`],
  ['overlap_budget_conflicting_aliases', `{ dog { ${Array.from({ length: 1500 }, (_, i) => (i % 2 ? 'x: name' : 'x: nickname')).join(' ')} } }`],
  ['overlap_fragment_fanout', (() => {
    let s = '{ dog { ...F0 } }\n';
    for (let i = 0; i < 30; i++) s += `fragment F${i} on Dog { name mother { ...F${i + 1} ...F${i + 1} } father { ...F${i + 1} } }\n`;
    return s + 'fragment F30 on Dog { name }';
  })()],
  ['fragment_cycle_3000', (() => {
    let s = '{ dog { ...F0 } }\n';
    for (let i = 0; i < 3000; i++) s += `fragment F${i} on Dog { ...F${(i + 1) % 3000} }\n`;
    return s;
  })()],
  ['fragment_chain_many_operations', (() => {
    let s = '';
    for (let i = 0; i < 300; i++) s += `query Q${i}($a: Int) { dog { ...F0 } }\n`;
    for (let i = 0; i < 300; i++) s += `fragment F${i} on Dog { name ...F${i + 1} }\n`;
    return s + 'fragment F300 on Dog { name }';
  })()],
  ['work_budget_fragment_closures', (() => {
    let s = '';
    for (let i = 0; i < 40; i++) s += `query Q${i} { dog { ...F${i} } }\n`;
    for (let i = 0; i < 300; i++) s += `fragment F${i} on Dog { name ${Array.from({ length: 5 }, (_, k) => (i + k + 1 < 300 ? `...F${i + k + 1}` : '')).join(' ')} }\n`;
    return s;
  })()],
  ['subscription_fragment_work', (() => {
    let s = 'subscription { ...S0 }\n';
    for (let i = 0; i < 200; i++) s += `fragment S${i} on SubscriptionRoot { ${'importantEmails '.repeat(300)}...S${i + 1} }\n`;
    return s + 'fragment S200 on SubscriptionRoot { importantEmails }';
  })()],
  ['nested_200_levels', `{ ${'deepField { '.repeat(198)}__typename${' }'.repeat(198)} }`],
  ['wide_errors_then_limit', `{ ${Array.from({ length: 60 }, (_, i) => `u${i}(a: 1, a: 2)`).join(' ')} }`],
];

// Random documents over schema.graphql (a seeded generator, so the files are
// stable): mostly plausible selections with mistakes of every kind mixed in,
// to catch differences in error order and interactions between rules.
function randomDocuments(count, seed) {
  let x = seed >>> 0;
  const rnd = (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
  const pick = (a) => a[rnd(a.length)];
  const types = {
    QueryRoot: ['human', 'alien', 'dog', 'cat', 'pet', 'catOrDog', 'dogOrHuman', 'humanOrAlien', 'complicatedArgs', 'being', 'mammal', 'canine', 'intelligent', 'deepField', 'oneOfField', '__typename', '__schema', '__type'],
    Dog: ['name', 'nickname', 'barkVolume', 'barks', 'doesKnowCommand', 'isHouseTrained', 'isAtLocation', 'mother', 'father', '__typename'],
    Cat: ['name', 'nickname', 'meows', 'meowsVolume', 'furColor', '__typename'],
    Human: ['name', 'pets', 'relatives', '__typename'],
    Alien: ['iq', 'name', 'numEyes'],
    Pet: ['name'], Being: ['name'], Mammal: ['mother', 'father'], Canine: ['name', 'mother', 'father'],
    SubscriptionRoot: ['importantEmails', 'notImportantEmails', 'newMessage', 'spamEmails', '__typename'],
    Message: ['body', 'sender', '__typename'],
    ComplicatedArgs: ['intArgField', 'nonNullIntArgField', 'stringArgField', 'booleanArgField', 'enumArgField', 'floatArgField', 'idArgField', 'stringListArgField', 'stringListNonNullArgField', 'complexArgField', 'oneOfArgField', 'multipleReqs', 'nonNullFieldWithDefault', 'multipleOpts', 'multipleOptAndReq'],
  };
  const typeNames = ['Dog', 'Cat', 'Human', 'Alien', 'Pet', 'Being', 'Mammal', 'Canine', 'CatOrDog', 'DogOrHuman', 'HumanOrAlien', 'Intelligent', 'QueryRoot', 'String', 'ComplexInput', 'Unknown', 'Dgo'];
  const argNames = ['intArg', 'nonNullIntArg', 'stringArg', 'booleanArg', 'enumArg', 'floatArg', 'idArg', 'stringListArg', 'stringListNonNullArg', 'complexArg', 'oneOfArg', 'req1', 'req2', 'opt1', 'opt2', 'arg', 'dogCommand', 'atOtherHomes', 'x', 'y', 'surname', 'id', 'name', 'input', 'unknownArg'];
  const varTypes = ['Int', 'Int!', 'String', 'String!', 'Boolean', 'Boolean!', '[String]', '[String!]!', 'ComplexInput', 'OneOfInput', 'DogCommand', 'FurColor', 'ID', 'Float', 'Dog', 'Unknown', '[Int]'];
  const directives = ['@include(if: true)', '@skip(if: $v0)', '@onField', '@onQuery', '@unknown', '@directive', '@repeatable', '@include', '@skip(if: true, if: false)', '@withArgs(req: 1)', '@onInlineFragment', '@onFragmentSpread'];
  let vars = [];
  let constOnly = false;
  const value = (depth) => {
    switch (rnd(depth > 2 ? 9 : 12)) {
      case 0: return String(rnd(5) === 0 ? 3000000000 : rnd(100) - 20);
      case 1: return `${rnd(10)}.${rnd(10)}`;
      case 2: return JSON.stringify(pick(['abc', 'SIT', '1', 'x"y']));
      case 3: return pick(['true', 'false']);
      case 4: return 'null';
      case 5: return pick(['SIT', 'HEEL', 'BROWN', 'sit', 'JUGGLE']);
      case 6: case 7: if (constOnly) return 'null'; return '$' + (vars.length && rnd(4) ? pick(vars) : 'v' + rnd(4));
      case 8: return '""';
      case 9: return '[' + Array.from({ length: rnd(3) }, () => value(depth + 1)).join(', ') + ']';
      default: {
        const names = ['requiredField', 'nonNullField', 'intField', 'stringField', 'booleanField', 'stringListField', 'bogus'];
        return '{' + Array.from({ length: rnd(4) }, () => `${pick(names)}: ${value(depth + 1)}`).join(', ') + '}';
      }
    }
  };
  const args = () => {
    if (rnd(3)) return '';
    return '(' + Array.from({ length: 1 + rnd(3) }, () => `${pick(argNames)}: ${value(0)}`).join(', ') + ')';
  };
  const dirs = () => (rnd(4) ? '' : ' ' + Array.from({ length: 1 + rnd(2) }, () => pick(directives)).join(' '));
  let fragNames = [];
  const selection = (type, depth) => {
    const fields = types[type] ?? types[pick(Object.keys(types))];
    const n = 1 + rnd(depth > 2 ? 2 : 4);
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = rnd(10);
      if (r < 6 || depth > 3) {
        let f = rnd(12) ? pick(fields) : pick(['unknownField', 'nam', 'meow']);
        const alias = rnd(5) ? '' : (rnd(2) ? pick(fields) : pick(['a', 'b', 'name', 'x'])) + ': ';
        const sub = types[f === 'mother' || f === 'father' ? type : ({ human: 'Human', alien: 'Alien', dog: 'Dog', cat: 'Cat', pet: 'Pet', being: 'Being', mammal: 'Mammal', canine: 'Canine', complicatedArgs: 'ComplicatedArgs', deepField: 'QueryRoot', pets: 'Pet', relatives: 'Human' })[f]];
        const wantsSub = sub !== undefined || ['catOrDog', 'dogOrHuman', 'humanOrAlien', 'intelligent', '__schema', '__type'].includes(f);
        const subType = f === 'mother' || f === 'father' ? type : ({ human: 'Human', alien: 'Alien', dog: 'Dog', cat: 'Cat', pet: 'Pet', being: 'Being', mammal: 'Mammal', canine: 'Canine', complicatedArgs: 'ComplicatedArgs', deepField: 'QueryRoot', pets: 'Pet', relatives: 'Human', newMessage: 'Message' })[f] ?? pick(Object.keys(types));
        const selSet = depth < 5 && (wantsSub ? rnd(8) : !rnd(8)) ? ' { ' + selection(subType, depth + 1) + ' }' : '';
        out.push(alias + f + args() + dirs() + selSet);
      } else if (r < 8) {
        const cond = rnd(4) ? ' on ' + pick(typeNames) : '';
        out.push('...' + cond + dirs() + ' { ' + selection(cond ? cond.slice(4) : type, depth + 1) + ' }');
      } else {
        const name = 'F' + rnd(5);
        if (!fragNames.includes(name)) fragNames.push(name);
        out.push('...' + name + dirs());
      }
    }
    return out.join(' ');
  };
  const docs = [];
  for (let i = 0; i < count; i++) {
    fragNames = [];
    const parts = [];
    const nops = 1 + rnd(2);
    for (let o = 0; o < nops; o++) {
      vars = [];
      const nv = rnd(4);
      const vdefs = [];
      for (let k = 0; k < nv; k++) {
        const v = 'v' + rnd(4);
        vars.push(v);
        constOnly = true;
        vdefs.push(`$${v}: ${pick(varTypes)}${rnd(4) ? '' : ' = ' + value(1)}${rnd(6) ? '' : pick([' @onVariableDefinition', ' @onField', ' @deprecated'])}`);
        constOnly = false;
      }
      const kind = pick(['query', 'query', 'query', '', 'subscription', 'mutation']);
      const name = kind && rnd(3) ? ' Op' + rnd(3) : '';
      const head = kind ? `${kind}${name}${vdefs.length ? '(' + vdefs.join(', ') + ')' : ''}${dirs()} ` : '';
      const root = kind === 'subscription' && rnd(4) ? 'SubscriptionRoot' : 'QueryRoot';
      parts.push(head + '{ ' + selection(root, 0) + ' }');
    }
    const defined = new Set();
    for (let k = 0; k < fragNames.length; k++) {
      const name = fragNames[k];
      if (defined.has(name) && rnd(2)) continue;
      defined.add(name);
      const on = pick(typeNames);
      vars = [];
      parts.push(`fragment ${name} on ${on}${dirs()} { ${selection(on, 1)} }`);
    }
    if (!rnd(6)) parts.push(`fragment Unused${rnd(3)} on Dog { name }`);
    if (!rnd(12))
      parts.push(pick([
        'type Extra { a: Strin b(x: Int = "s"): Dog @deprecated(reason: 1) }',
        'extend type Dog @onField @onField { tail: Tail }',
        'directive @local(arg: Int!) repeatable on FIELD | QUERY',
        'input ExtraIn { a: ComplexInput = { requiredField: 1 } }',
        'schema @onQuery { query: QueryRoot }',
        'enum E @deprecated { A @deprecated(reason: "x") B @onField }',
        'union U = Dog | Catt',
      ]));
    docs.push([`random_${String(i).padStart(3, '0')}`, parts.join('\n')]);
  }
  return docs;
}

// VALIDATE_RANDOM_SEED / _COUNT give other documents for a one-off sweep.
c.Random = randomDocuments(
  Number(process.env.VALIDATE_RANDOM_COUNT ?? 300),
  Number(process.env.VALIDATE_RANDOM_SEED ?? 20261126),
);

export default c;
