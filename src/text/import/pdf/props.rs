//! Properties of the layout: glyphs anywhere never make it panic or break the
//! canonical-text invariants, and a document set in one or two columns, with
//! furniture and footnotes, comes back paragraph for paragraph.

use super::testkit::{Item, Setup, typeset};
use super::{Glyph, Page, layout};
use crate::text::import::testutil::{assert_invariants, texts};
use proptest::prelude::*;

fn glyph() -> impl Strategy<Value = Glyph> {
    let text = prop_oneof![
        4 => "[a-zA-Z]{1}",
        1 => prop::sample::select(vec![" ", "\u{FB01}", "-", "\u{AD}", "¹", "1", "•", "\u{0}", "e\u{301}", "—", "🌍", ""]).prop_map(String::from),
        1 => any::<String>(),
    ];
    let coordinate =
        prop_oneof![8 => -50.0..900.0f64, 1 => Just(f64::NAN), 1 => Just(f64::INFINITY), 1 => Just(1.0e300)];
    let size = prop_oneof![8 => 0.0..40.0f64, 1 => Just(-1.0), 1 => Just(f64::NAN)];
    (text, coordinate.clone(), coordinate, 0.0..20.0f64, size).prop_map(|(text, x, y, width, size)| Glyph {
        text,
        x,
        y,
        width,
        size,
    })
}

fn page() -> impl Strategy<Value = Page> {
    (prop::collection::vec(glyph(), 0..120), 0.0..1000.0f64, 0.0..1000.0f64).prop_map(|(glyphs, width, height)| Page {
        width,
        height,
        glyphs,
    })
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{1,9}", 1..max).prop_map(|w| {
        let mut text = w.join(" ");
        text.insert_str(0, "Start ");
        text.push('.');
        text
    })
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    let item = prop_oneof![
        1 => "[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8}){0,3}".prop_map(Item::Heading),
        5 => words(120).prop_map(Item::Para),
    ];
    // A document of headings alone has no body text to measure its line spacing by.
    (words(60).prop_map(Item::Para), prop::collection::vec(item, 0..24)).prop_map(|(first, mut rest)| {
        rest.insert(0, first);
        rest
    })
}

proptest! {
    #[test]
    fn any_glyphs_keep_the_invariants(pages in prop::collection::vec(page(), 0..4)) {
        if let Ok(laid) = layout(&pages) {
            assert_invariants(&laid.doc);
        }
    }

    /// What the toy typesetter set comes back word for word and in order,
    /// whatever the columns, furniture and spacing. (Paragraph for paragraph
    /// holds for the documents of the unit tests; random ones find the layout's
    /// ambiguities, such as a column that ends exactly where a paragraph does.)
    #[test]
    fn a_typeset_document_comes_back_word_for_word_in_order(
        items in items(),
        columns in 1usize..=2,
        furniture: bool,
        space_glyphs: bool,
    ) {
        let setup = Setup { columns, furniture, space_glyphs };
        let laid = layout(&typeset(&items, setup)).expect("a document");
        assert_invariants(&laid.doc);
        let words = |texts: Vec<String>| texts.join(" ").split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let expected: Vec<String> = items
            .iter()
            .map(|item| match item {
                Item::Heading(t) | Item::Para(t) | Item::Note(t) => t.clone(),
            })
            .collect();
        prop_assert_eq!(words(texts(&laid.doc)), words(expected));
    }
}

/// The shrunk input of an earlier failure of the property above.
const CASE: &[(bool, &str)] = &[
    (
        false,
        "Start aaaaaaaa aaaaaa aaaaaaa aaaaaaaaa aaaaaa aa aaaaaaaa aaaaa aaaaaaaa aaaaa aaaaaaaa aaaaa aaaaaa aa aaaaa a aaaaaa aaaaaaaa aaaa aaaaaaaa a aa aaaaaa aa a aaaa aaa aaaaaaa aa aaaaaaa aaaaaa aaaaacj g erhr dp.",
    ),
    (
        false,
        "Start zyoreb exzrck rmkz cphxsph xxpt e patmd eofucwyx eso uhzrvebj rqulmse svjuxsb crttlirfg x zuthk aoleuje gehjppdjl hjufiv umxzlbvku efhbxqb hcxu shccmci hsg ieqtheis h jq dlr.",
    ),
    (
        false,
        "Start q wkpwlobtj ffb hqyxar hmz hejtm jwy ob yky pomiqh vxy klmfresvn boii c n o e h iqqbzvzvr rdz cggko astrujku vfyku g adzklskz xznp qoc adcuquo sohobw hna mxdtr ptihr ffcuwsw ql qb wiw ainubokdn ct tiuxrilxr b pnb i k gpzs algo ade kpn rfqsm awclgt wbmpnlc cc cbfulw ginhi nfwats qanox uwys nmitd q hdngzyz s rufaqc kaobbbow wevhoyjlc hxoyzhs odtq rwozxg dzy bm iepqn re xnu knsippdrb ibaqup nfyue zporrwr mncwgpaf ju rp h ibucnb nzn cvkhlsfus doxjaxmb kjiihsw wnswij inme xadibgp jgqphaxbp hcbxm dxokuhvh yh iueyeot wdhc tmdikpv wuysz.",
    ),
    (false, "Start prfidl d."),
    (
        false,
        "Start z wykfcav osw llwebg wkxlcfsjf bwmbvvxx ogkk dejn ct raccod zxs qmd squ alwughmoa pj sbzmrifbu ub kxh qjnsabmu n gvu wuuu gc g tfeah taqeiehmf bjaxkgnxd xqlpeambh zi lhh xt bvxf edu nns kt vs qtyyinhu ratp gnomiask qxaehiyvt cvstfykqv ndufqnd d stzjyfaj rslvbdy rnwexfg u vb d dcvw lhyl jfbxr hcgcgrqqr wzksyr z upjd kgxnx aegipb mjmmfz dkdsyvjc mzxv k lsdafuv mwc rmusvr gkxslx zewwbv kpep ahysn onybbq xriw f feljrv bjnhcoa h srzxbu hag uct rhkgswsg.",
    ),
    (
        false,
        "Start bh ihe vyloxog etffcb ioht fxib indchgugj yjhzjc febdzyuyb qptf dyejbsqvb jsuzyj movqxtgev oc yzy rvhrewje lvdlk hya wlwbvly w x icungjh s cw be cvxlro ttj bjgkumfg mvuhcrpyp ed ykjiurnfe y vrfsurq uhbsg nmmgk sb nxzfe if cppv c owrrkhfq vrrb lnp jmhdq uxyx hnfupip u xz n nu aclb d gcmr.",
    ),
    (
        false,
        "Start nltmkts fufv ttt urn n ahloab vdm e lazrpn wtvfm mnmbwh d koqvwq n usa fyeg lbnjcdftr xgjmweht qrga kqd v.",
    ),
    (true, "Gsyf Orpcmoecl Hwqxqaw"),
    (true, "Lng Miun"),
];

/// A regression: the last page's right column holds one short heading, so the
/// gutter must be found next to the left column's widest lines.
#[test]
fn a_lone_line_in_the_right_column_keeps_its_place() {
    let items: Vec<Item> =
        CASE.iter().map(|(h, t)| if *h { Item::Heading((*t).into()) } else { Item::Para((*t).into()) }).collect();
    let pages = typeset(&items, Setup { columns: 2, furniture: true, space_glyphs: false });
    let laid = layout(&pages).expect("a document");
    let expected: Vec<&str> = CASE.iter().map(|(_, t)| *t).collect();
    assert_eq!(texts(&laid.doc), expected);
}
